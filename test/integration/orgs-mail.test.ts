/** An invitation by e-mail is mailed (through the mail.send job) when SMTP_URL is set. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { api } from '../helpers/orgs.js';
import { smtpServerForFile } from '../helpers/smtp.js';

const smtp = smtpServerForFile();

describeEachDatabase(
  'org invitations by e-mail',
  (t) => {
    it('mails the invitation, with where to accept it', async () => {
      const call = api(t);
      await t.app.ctx.services.startBackground(); // the mail.send job
      const owner = await t.createUser();
      // a name that would start a mail header is refused, naming the field
      const bad = await call(owner.apiKey, 'POST', '/users/current/orgs', { name: 'Mail\r\nBcc: x@evil.test' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.name).toBeTruthy();
      const org = await call(owner.apiKey, 'POST', '/users/current/orgs', { name: 'Mail Corp' });
      expect(org.status).toBe(201);
      const address = `invitee-${t.dialect}@example.com`;
      expect((await call(owner.apiKey, 'POST', `/users/current/orgs/${org.body.data.id}/invitations`, { email: address })).status).toBe(201);
      const [mail] = await smtp.waitFor((m) => m.to.includes(address));
      expect(mail!.subject).toContain('invited you to Mail');
      expect(mail!.subject).not.toMatch(/[\r\n]/);
      expect(mail!.text).toContain('http://metronome.test/orgs');
      // an invitation by username sends nothing
      const other = await t.createUser({ email: `other-${t.dialect}@example.com` });
      smtp.clear();
      expect((await call(owner.apiKey, 'POST', `/users/current/orgs/${org.body.data.id}/invitations`, { username: other.user.username })).status).toBe(201);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.messages).toHaveLength(0);
    });
  },
  { env: () => ({ SMTP_URL: smtp.url }) },
);
