import fs from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { HttpError, httpError, type PluginApi, type UploadedFile } from '../../core/index.ts';

type OutboundFetch = PluginApi['fetch'];

/**
 * Media from a request, made safe before any engine sees it. wppconnect-server handed `path` and
 * `base64` straight to the library, which reads local files and fetches URLs itself (any server file,
 * any internal address). Here every source — base64 (with or without a data-URL prefix), a multipart
 * `file`, an http(s) URL (SSRF-checked fetch), or a file inside the configured media folder — is read
 * by wppd, bounded in size, typed from its bytes, and given to the engine as a `data:` URL only.
 */
export interface MediaLimits {
  /** Folder `path` may name files in; '' = none (then `path` must be an http(s) URL). */
  mediaDir: string;
  /** Images, audio, video, stickers (WhatsApp's own limit is 16 MB). */
  maxMediaBytes: number;
  /** Documents (send-file). */
  maxDocumentBytes: number;
}

/** What a route accepts. */
export interface MediaRule {
  /** For error messages: "an image". */
  label: string;
  /** Mimetypes accepted; undefined = any file (documents). */
  accepts?: (mimetype: string) => boolean;
  maxBytes: number;
}

export interface ResolvedMedia {
  /** `data:<mime>;base64,<bytes>`: the only form engines receive. */
  dataUrl: string;
  mimetype: string;
  size: number;
  /** A display name from the upload or URL (never used as a path). */
  fileName?: string;
}

/** Where a route's media may come from (the body fields wppconnect-server reads, and the upload). */
export interface MediaSources {
  file?: UploadedFile;
  /** A `path` field: an http(s) URL, a data URL, or a file name inside the media folder. */
  path?: string;
  /** A `base64` field: base64 with or without a data-URL prefix (an http(s) URL also works, as before). */
  base64?: string;
}

const MIME = /^[\w.+-]+\/[\w.+-]+$/;

export function mediaRules(limits: MediaLimits) {
  const media = limits.maxMediaBytes;
  return {
    document: { label: 'a file', maxBytes: limits.maxDocumentBytes },
    image: { label: 'an image', accepts: (m: string) => m.startsWith('image/'), maxBytes: media },
    sticker: {
      label: 'a PNG, JPEG, WebP or GIF image',
      accepts: (m: string) => ['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(m),
      maxBytes: media,
    },
    animatedSticker: {
      label: 'a GIF or WebP image',
      accepts: (m: string) => m === 'image/gif' || m === 'image/webp',
      maxBytes: media,
    },
    audio: {
      label: 'an audio file',
      accepts: (m: string) => m.startsWith('audio/') || m === 'application/ogg',
      maxBytes: media,
    },
    video: { label: 'a video', accepts: (m: string) => m.startsWith('video/'), maxBytes: media },
  } satisfies Record<string, MediaRule>;
}

/** The missing-file answer of wppconnect-server's file routes (401, as it sends). */
export function fileMandatory(): HttpError {
  return new HttpError(401, { message: 'Sending the file is mandatory' });
}

function tooLarge(rule: MediaRule): HttpError {
  return httpError(413, `The file is larger than the limit for ${rule.label} (${rule.maxBytes} bytes)`);
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value.trim());
}

export class MediaInput {
  constructor(
    private readonly limits: MediaLimits,
    private readonly fetch: OutboundFetch,
  ) {}

  /** The first source given (upload, then path, then base64), checked against the rule. */
  async resolve(sources: MediaSources, rule: MediaRule): Promise<ResolvedMedia> {
    if (sources.file) return this.fromUpload(sources.file, rule);
    if (sources.path) return this.fromPath(sources.path, rule);
    if (sources.base64) return this.fromBase64(sources.base64, rule);
    throw fileMandatory();
  }

  async fromUpload(file: UploadedFile, rule: MediaRule): Promise<ResolvedMedia> {
    if (file.size > rule.maxBytes) throw tooLarge(rule);
    const bytes = await fs.readFile(file.path);
    return this.typed(bytes, file.mimetype, rule, path.basename(file.originalName));
  }

  async fromBase64(value: string, rule: MediaRule): Promise<ResolvedMedia> {
    if (isHttpUrl(value)) return this.fromUrl(value, rule);
    const { claimed, bytes } = decodeBase64(value, rule);
    return this.typed(bytes, claimed, rule);
  }

  async fromPath(value: string, rule: MediaRule): Promise<ResolvedMedia> {
    if (isHttpUrl(value)) return this.fromUrl(value, rule);
    if (value.startsWith('data:')) return this.fromBase64(value, rule);
    if (/^[a-z][a-z0-9+.-]*:/i.test(value))
      throw httpError(400, 'path must be an http(s) URL or a file of the media folder');
    return this.fromMediaFolder(value, rule);
  }

  private async fromUrl(url: string, rule: MediaRule): Promise<ResolvedMedia> {
    const fetched = await this.fetch(url.trim(), { maxBytes: rule.maxBytes });
    if (fetched.bytes.length > rule.maxBytes) throw tooLarge(rule);
    return this.typed(fetched.bytes, fetched.contentType, rule, fetched.fileName);
  }

  /** A file named relative to the media folder; nothing outside it (no `..`, absolute paths or symlinks out). */
  private async fromMediaFolder(name: string, rule: MediaRule): Promise<ResolvedMedia> {
    if (!this.limits.mediaDir)
      throw httpError(
        400,
        'path must be an http(s) URL: no media folder is configured (plugins.messages.mediaDir / WPPD_MEDIA_DIR)',
      );
    if (name.includes('\0')) throw httpError(400, 'path is not a valid file name');
    let root: string;
    try {
      root = await fs.realpath(this.limits.mediaDir);
    } catch {
      throw httpError(400, 'The media folder does not exist');
    }
    const inside = (candidate: string) => candidate.startsWith(root + path.sep);
    if (!inside(path.resolve(root, name)))
      throw httpError(400, 'path must name a file inside the media folder');
    let real: string;
    try {
      real = await fs.realpath(path.resolve(root, name));
    } catch {
      throw httpError(400, 'No such file in the media folder');
    }
    if (!inside(real)) throw httpError(400, 'path must name a file inside the media folder');
    const stat = await fs.stat(real);
    if (!stat.isFile()) throw httpError(400, 'path must name a file inside the media folder');
    if (stat.size > rule.maxBytes) throw tooLarge(rule);
    return this.typed(await fs.readFile(real), undefined, rule, path.basename(real));
  }

  /** The real type comes from the bytes; a claimed type only fills in for files without a signature. */
  private async typed(
    bytes: Buffer,
    claimed: string | undefined,
    rule: MediaRule,
    fileName?: string,
  ): Promise<ResolvedMedia> {
    if (bytes.length === 0) throw httpError(400, 'The file is empty');
    if (bytes.length > rule.maxBytes) throw tooLarge(rule);
    // Parameters (file-type says `audio/ogg; codecs=opus`) do not belong in a data URL's type.
    const detected = (await fileTypeFromBuffer(bytes))?.mime.split(';')[0]?.trim();
    if (rule.accepts) {
      if (!detected) throw httpError(415, `The file is not ${rule.label} (its type could not be recognised)`);
      if (!rule.accepts(detected)) throw httpError(415, `The file is ${detected}, not ${rule.label}`);
    }
    const cleanClaim = claimed?.split(';')[0]?.trim().toLowerCase();
    const mimetype =
      detected ?? (cleanClaim && MIME.test(cleanClaim) ? cleanClaim : 'application/octet-stream');
    return {
      dataUrl: `data:${mimetype};base64,${bytes.toString('base64')}`,
      mimetype,
      size: bytes.length,
      fileName: fileName && fileName !== 'file' ? fileName : undefined,
    };
  }
}

/** Base64 with or without `data:<mime>;base64,`; 400 when it is not base64, 413 when too large. */
export function decodeBase64(value: string, rule: MediaRule): { claimed: string | undefined; bytes: Buffer } {
  let claimed: string | undefined;
  let data = value;
  if (value.startsWith('data:')) {
    const comma = value.indexOf(',');
    const header = comma > 0 ? value.slice(5, comma) : '';
    if (comma < 0 || !/;base64$/i.test(header))
      throw httpError(400, 'A data URL must be base64: data:<mimetype>;base64,<data>');
    claimed = header.split(';')[0] || undefined;
    data = value.slice(comma + 1);
  }
  data = data.replace(/\s+/g, '');
  if (!data) throw httpError(400, 'The base64 data is empty');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(data) || data.length % 4 === 1)
    throw httpError(400, 'The base64 data is not valid base64');
  if (Math.floor((data.length * 3) / 4) - 2 > rule.maxBytes) throw tooLarge(rule);
  return { claimed, bytes: Buffer.from(data, 'base64') };
}
