import type { SqliteDatabase } from './sqlite.ts';

/** What start-session was called with, persisted so start-all and restarts bring it back. */
export type StoredSessionConfig = Record<string, unknown>;

export interface StoredSession {
  name: string;
  config: StoredSessionConfig;
  /** True while the session should be running: restored at boot when startAllSession is on. */
  wanted: boolean;
}

/**
 * The registry of known sessions (wppconnect-server's "token store"): names plus each session's
 * start-session config. Kept in the core database.
 */
export class SessionStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS sessions (
      name TEXT PRIMARY KEY,
      config TEXT NOT NULL DEFAULT '{}',
      wanted INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    )`);
  }

  list(): StoredSession[] {
    const rows = this.db.prepare('SELECT name, config, wanted FROM sessions ORDER BY name').all() as {
      name: string;
      config: string;
      wanted: number;
    }[];
    return rows.map((row) => ({ name: row.name, config: JSON.parse(row.config), wanted: row.wanted === 1 }));
  }

  get(name: string): StoredSession | undefined {
    const row = this.db.prepare('SELECT name, config, wanted FROM sessions WHERE name = ?').get(name) as
      | { name: string; config: string; wanted: number }
      | undefined;
    return row && { name: row.name, config: JSON.parse(row.config), wanted: row.wanted === 1 };
  }

  save(name: string, config: StoredSessionConfig, wanted: boolean): void {
    this.db
      .prepare(
        `INSERT INTO sessions (name, config, wanted, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET config = excluded.config, wanted = excluded.wanted, updated_at = excluded.updated_at`,
      )
      .run(name, JSON.stringify(config), wanted ? 1 : 0, Date.now());
  }

  setWanted(name: string, wanted: boolean): void {
    this.db
      .prepare('UPDATE sessions SET wanted = ?, updated_at = ? WHERE name = ?')
      .run(wanted ? 1 : 0, Date.now(), name);
  }

  delete(name: string): void {
    this.db.prepare('DELETE FROM sessions WHERE name = ?').run(name);
  }
}
