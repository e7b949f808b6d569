import { createRequire } from 'node:module';
import type { TSchema } from '@sinclair/typebox';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { httpError } from '../errors.ts';

/**
 * Request validation from each route's TypeBox schema. Types are coerced ("true" → true, 55 → "55")
 * because wppconnect-server clients send form fields and numbers for strings; defaults are applied.
 *
 * ajv is loaded with the first validation, not at boot (~40 ms of boot in the profile); both
 * packages are CommonJS, so a synchronous require works where a validator needs it.
 */
const require = createRequire(import.meta.url);
let shared: Ajv | undefined;
function ajv(): Ajv {
  if (!shared) {
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    const addFormats = require('ajv-formats') as typeof import('ajv-formats');
    shared = new AjvClass({ coerceTypes: true, useDefaults: true, allErrors: false, strict: false });
    addFormats.default(shared);
  }
  return shared;
}

export type Validator = (value: unknown) => void;

/** Compiled on first use: compiling every route's schemas at boot took a quarter of the boot time. */
export function compileValidator(part: 'params' | 'query' | 'body', schema: TSchema): Validator {
  let compiled: ValidateFunction | undefined;
  return (value) => {
    compiled ??= ajv().compile(schema);
    const validate = compiled;
    if (!validate(value)) throw httpError(400, describe(part, validate.errors?.[0]), { part });
  };
}

function describe(part: string, error: ErrorObject | undefined | null): string {
  if (!error) return `Invalid ${part}`;
  const where = [part, ...error.instancePath.split('/').filter(Boolean)].join('.');
  if (error.keyword === 'required') return `${where}.${String(error.params.missingProperty)} is required`;
  if (error.keyword === 'additionalProperties')
    return `${where} has an unknown field ${String(error.params.additionalProperty)}`;
  return `${where} ${error.message ?? 'is invalid'}`;
}
