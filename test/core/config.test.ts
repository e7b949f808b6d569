import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ConfigError, loadConfig } from '../../core/config/load.ts';

test('defaults, then the config file, then env vars', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-config-'));
  const file = path.join(dir, 'wppd.json');
  fs.writeFileSync(file, JSON.stringify({ port: 3000, deviceName: 'FromFile', log: { level: 'warn' } }));
  const { config } = loadConfig({ argv: ['--config', file], env: { PORT: '4000', SECRET_KEY: 'k' } });
  t.is(config.port, 4000);
  t.is(config.deviceName, 'FromFile');
  t.is(config.log.level, 'warn');
  t.is(config.secretKey, 'k');
  t.is(config.dataDir, './data');
  t.is(config.engine, 'wppconnect');
});

test('a bad value stops with one line naming the key; the secret key is never shown', (t) => {
  const error = t.throws(
    () => loadConfig({ env: { PORT: 'not-a-port', SECRET_KEY: 'super-secret-value' } }),
    {
      instanceOf: ConfigError,
    },
  );
  t.regex(error?.message ?? '', /^invalid configuration: port: /);
  t.false(error?.message.includes('\n'));
  const { redacted } = loadConfig({ env: { SECRET_KEY: 'super-secret-value' } });
  t.false(JSON.stringify(redacted).includes('super-secret-value'));
});

test('npm start refuses a bad value with one clear line and exit code 2', (t) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'core/main.ts'], {
    env: { ...process.env, PORT: 'nope', WPPD_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-')) },
    encoding: 'utf8',
  });
  t.is(result.status, 2);
  t.regex(result.stderr.trim(), /^wppd: invalid configuration: port: /);
  t.is(result.stderr.trim().split('\n').length, 1);
});
