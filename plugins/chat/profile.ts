import { fileTypeFromFile } from 'file-type';
import { HttpError, httpError, type PluginApi, Type } from '../../core/index.ts';
import { attempt, SessionParams, success } from './shared.ts';

/** What WhatsApp accepts as a profile picture. */
const PICTURE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** WhatsApp's limits: a push name of 25 characters, an about text of 139. */
const MAX_NAME = 25;
const MAX_ABOUT = 139;

/** The session's own profile: picture, about text and name. */
export function registerProfileRoutes(api: PluginApi<object>): void {
  const tags = ['Profile'];

  api.route({
    method: 'POST',
    path: '/api/:session/set-profile-pic',
    summary: 'Change the profile picture (multipart `file`: JPEG, PNG or WebP)',
    tags,
    auth: 'token',
    connected: true,
    upload: true,
    schema: { params: SessionParams },
    handler: async ({ session, files }) => {
      const file = files[0];
      if (!file) throw new HttpError(400, { status: 'Error', message: 'File parameter is required!' });
      // The content decides, not the name or type the client claimed.
      const type = await fileTypeFromFile(file.path);
      if (!type || !PICTURE_TYPES.has(type.mime))
        throw httpError(400, 'The file must be a JPEG, PNG or WebP image');
      await attempt(() => session.engine('setProfilePic')(file.path), {
        status: 'error',
        message: 'Error changing profile photo',
      });
      return success({ message: 'Profile photo successfully changed' });
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/profile-status',
    summary: 'Change the about text',
    tags,
    auth: 'token',
    connected: true,
    schema: {
      params: SessionParams,
      body: Type.Object({ status: Type.String({ maxLength: MAX_ABOUT, description: 'The new about text' }) }),
    },
    handler: async ({ session, body }) =>
      success(
        await attempt(() => session.engine('setProfileStatus')(body.status), {
          status: 'error',
          message: 'Error on set profile status',
        }),
      ),
  });

  api.route({
    method: 'POST',
    path: '/api/:session/change-username',
    summary: 'Change the profile (push) name',
    tags,
    auth: 'token',
    connected: true,
    schema: {
      params: SessionParams,
      body: Type.Object({
        name: Type.Optional(Type.String({ maxLength: MAX_NAME, description: 'The new name' })),
      }),
    },
    handler: async ({ session, body }) => {
      if (!body.name?.trim()) throw httpError(400, 'Parameter name is required!');
      const name = body.name.trim();
      return success(
        await attempt(() => session.engine('setProfileName')(name), {
          status: 'error',
          message: 'Error on set profile name.',
        }),
      );
    },
  });
}
