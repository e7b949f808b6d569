import type { TObject, TSchema } from '@sinclair/typebox';
import type { AnyRoute } from './route.ts';

/** wppconnect-server's declared tags, in its order (behaviour §J), plus any a plugin brings. */
export const KNOWN_TAGS = [
  'Auth',
  'Chat',
  'Contact',
  'Catalog & Bussiness',
  'Community',
  'Messages',
  'Profile',
  'Status Stories',
  'Labels',
  'Group',
  'Misc',
  'Newsletter',
];

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function properties(schema: TSchema | undefined): [string, TSchema, boolean][] {
  if (schema?.type !== 'object') return [];
  const object = schema as TObject;
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, prop]) => [
    name,
    prop as TSchema,
    required.has(name),
  ]);
}

/** Strips TypeBox's symbol keys so the schema is plain JSON Schema. */
function plain(schema: TSchema | Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema));
}

export function buildOpenApi(routes: AnyRoute[], info: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set(KNOWN_TAGS);
  for (const route of routes) {
    for (const tag of route.tags) tags.add(tag);
    const path = toOpenApiPath(route.path);
    const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
    const paramSchemas = new Map(properties(route.schema?.params).map(([n, s]) => [n, s]));
    const parameters: Record<string, unknown>[] = pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      description:
        name === 'session'
          ? 'Session name (letters, digits, _ - .); or `<session>:<token>` instead of the Authorization header'
          : name === 'secretkey'
            ? 'The secret key (SECRET_KEY)'
            : undefined,
      schema: plain(paramSchemas.get(name) ?? { type: 'string' }),
      ...(name === 'session' ? { example: 'NERDWHATS_AMERICA' } : {}),
    }));
    for (const [name, schema, required] of properties(route.schema?.query))
      parameters.push({
        name,
        in: 'query',
        required,
        description: schema.description,
        schema: plain(schema),
      });

    const operation: Record<string, unknown> = {
      tags: route.tags,
      summary: route.summary,
      description: route.description,
      operationId: route.operationId ?? operationIdFor(route),
      parameters,
      responses: responsesFor(route),
    };
    if (route.auth === 'token') operation.security = [{ bearerAuth: [] }];
    // The token, or whatever else the handler accepts (its description says what).
    else if (route.auth === 'self') operation.security = [{ bearerAuth: [] }, {}];
    else operation.security = [];
    if (route.schema?.body || route.upload) {
      const content: Record<string, unknown> = {};
      const body = route.schema?.body ? plain(route.schema.body) : { type: 'object' };
      content['application/json'] = { schema: body };
      if (route.upload) {
        const multipart = structuredClone(body) as { properties?: Record<string, unknown> };
        multipart.properties = {
          ...(multipart.properties ?? {}),
          file: { type: 'string', format: 'binary' },
        };
        content['multipart/form-data'] = { schema: multipart };
      }
      operation.requestBody = { required: Boolean(route.schema?.body), content };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'WPPConnect API Rest',
      version: info.version,
      description:
        'wppd speaks the WPPConnect Server REST API v2.0.0. Generate a token with your secret key, then send it as `Authorization: Bearer <token>`.',
    },
    servers: info.serverUrl ? [{ url: info.serverUrl }] : [],
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Token from generate-token' },
      },
    },
  };
}

function operationIdFor(route: AnyRoute): string {
  const words = route.path
    .replace(/^\/api\//, '')
    .split(/[/:-]/)
    .filter((w) => w && !['session', 'secretkey'].includes(w) && !/^[{]/.test(w));
  const camel = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return `${route.method.toLowerCase()}${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}

function responsesFor(route: AnyRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, doc] of Object.entries(route.schema?.responses ?? {})) {
    responses[status] = {
      description: doc.description,
      content: { [doc.contentType ?? 'application/json']: { schema: doc.schema ? plain(doc.schema) : {} } },
    };
  }
  if (Object.keys(responses).length === 0) responses['200'] = { description: 'Success' };
  if (route.schema?.body || route.schema?.query || route.schema?.params)
    responses['400'] ??= { description: 'Invalid request: the message names the field' };
  if (route.auth === 'token') responses['401'] ??= { description: 'Missing or wrong token' };
  if (route.connected) responses['404'] ??= { description: 'The session is not connected' };
  return responses;
}

export function swaggerUiHtml(specUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>WPPConnect API Rest — wppd</title><link rel="stylesheet" href="/api-docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api-docs/swagger-ui-bundle.js"></script>
<script src="/api-docs/init.js" data-spec="${specUrl}"></script>
</body></html>`;
}

/** Kept as a separate file so the page works under a strict Content-Security-Policy (no inline script). */
export const SWAGGER_INIT_JS = `window.ui = SwaggerUIBundle({ url: document.currentScript.dataset.spec, dom_id: '#swagger-ui', persistAuthorization: false });`;
