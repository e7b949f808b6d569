import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { EngineClient } from '../../../core/index.ts';
import { WhatsAppError } from '../model.ts';
import { ABOUT_KIND, PROFILE_PICTURE_KIND, type ProfilePicture } from './contacts.ts';
import type { SandboxContext } from './context.ts';

const PICTURE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** Bytes from what the library accepts: a data: URL / bare base64, or a file the daemon wrote. */
async function bytesOf(pathOrBase64: string): Promise<Buffer> {
  const dataUrl = /^data:[\w/+.-]+;base64,(.*)$/s.exec(pathOrBase64);
  if (dataUrl) return Buffer.from(dataUrl[1] ?? '', 'base64');
  return fs.readFile(pathOrBase64);
}

/** The phone's own profile: picture, about text and push name (what other phones see). */
export function profileMethods({ network, phone }: SandboxContext): EngineClient {
  return {
    async setProfilePic(pathOrBase64, to) {
      // Another id than one's own would be a group icon: that is setGroupIcon's (client/groups.ts).
      if (to && to !== phone.wid)
        throw new WhatsAppError('invalid_wid', 'Use setGroupIcon to change a group picture');
      const bytes = await bytesOf(pathOrBase64);
      const type = await fileTypeFromBuffer(bytes);
      if (!type || !PICTURE_TYPES.has(type.mime))
        throw new WhatsAppError('invalid_image', 'The profile picture must be a JPEG, PNG or WebP image');
      const picture: ProfilePicture = {
        dataUrl: `data:${type.mime};base64,${bytes.toString('base64')}`,
        tag: createHash('sha256').update(bytes).digest('hex').slice(0, 10),
      };
      network.putEntity('', PROFILE_PICTURE_KIND, to ?? phone.wid, picture);
      return true;
    },
    async setProfileStatus(status) {
      network.putEntity('', ABOUT_KIND, phone.wid, { status });
    },
    async getProfileStatus() {
      return network.getEntity<{ status: string }>('', ABOUT_KIND, phone.wid)?.status ?? '';
    },
    async setProfileName(name) {
      phone.pushname = name;
      network.savePhone(phone);
      return true;
    },
    async getProfileName() {
      return phone.pushname;
    },
  };
}
