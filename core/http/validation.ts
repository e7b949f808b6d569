import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { httpError } from '../errors.ts';

/**
 * Request validation from each route's TypeBox schema. Types are coerced ("true" → true, 55 → "55")
 * because wppconnect-server clients send form fields and numbers for strings; defaults are applied.
 */
const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false, strict: false });
addFormats.default(ajv);

export type Validator = (value: unknown) => void;

export function compileValidator(part: 'params' | 'query' | 'body', schema: TSchema): Validator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
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
