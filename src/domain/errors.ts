/**
 * Errors of the rules and services, free of HTTP: services throw these, and the error handler of
 * src/http/errors.ts maps each kind to a status code and the usual JSON envelope
 * (`{"error": "field: message", "errors": {"field": ["message"]}}` when a field is at fault).
 *
 * | class                | status |
 * | -------------------- | ------ |
 * | ValidationError      | 400    |
 * | UnauthorizedError    | 401    |
 * | ForbiddenError       | 403    |
 * | NotFoundError        | 404    |
 * | ConflictError        | 409    |
 * | RateLimitedError     | 429 (+ Retry-After) |
 */
export type DomainErrorKind = 'validation' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    message: string,
    /** The input field at fault, when one is (named as the client sent it). */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is not acceptable: `field` names what the client sent wrong. */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(field: string | undefined, message: string) {
    super(message, field);
  }
}

/** No (valid) credentials where some are needed. */
export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}

/** Authenticated, but not allowed. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** The change collides with existing data (a taken username, a used email address). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** Too many attempts: retry after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    field?: string,
  ) {
    super(message, field);
  }
}
