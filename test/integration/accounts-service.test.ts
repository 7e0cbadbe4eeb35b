/** services/accounts.ts speaks domain errors (never HTTP ones): the routes and the CLI map them. */
import { expect, it } from 'vitest';
import { ConflictError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../../src/domain/errors.js';
import { MAX_FAILURES_PER_LOGIN } from '../../src/domain/throttle.js';
import { createAccount, logIn, setPassword } from '../../src/services/accounts.js';
import { describeEachDatabase, uniqueName } from '../helpers/harness.js';

describeEachDatabase('account service', (t) => {
  it('throws validation and conflict errors naming the field', async () => {
    const username = uniqueName('svc');
    await createAccount(t.storage, { username });
    await expect(createAccount(t.storage, { username })).rejects.toSatisfy((e) => e instanceof ConflictError && e.field === 'username');
    await expect(createAccount(t.storage, { username: 'current' })).rejects.toSatisfy((e) => e instanceof ValidationError && e.field === 'username');
    await expect(createAccount(t.storage, { username: uniqueName('svc'), email: 'nope' })).rejects.toSatisfy((e) => e instanceof ValidationError && e.field === 'email');
    await expect(setPassword(t.storage, uniqueName('nobody'), 'long enough password')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('logs in, refuses a wrong password, and rate-limits with the time to wait', async () => {
    const username = uniqueName('svc');
    await createAccount(t.storage, { username, password: 'correct horse battery' });
    const ip = `10.9.${Math.floor(Math.random() * 250)}.1`;
    expect((await logIn(t.storage, { login: ` ${username} `, password: 'correct horse battery', ip })).username).toBe(username);
    for (let i = 0; i < MAX_FAILURES_PER_LOGIN; i++) {
      await expect(logIn(t.storage, { login: username, password: 'wrong', ip })).rejects.toBeInstanceOf(UnauthorizedError);
    }
    const limited = await logIn(t.storage, { login: username, password: 'correct horse battery', ip }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
  });
});
