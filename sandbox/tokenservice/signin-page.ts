import type { SandboxTenant, SandboxUser } from '../tenant-data';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f5f5f5;margin:0;display:flex;justify-content:center}
main{background:#fff;max-width:440px;width:100%;margin:40px 16px;padding:32px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 8px}p{color:#323130}
.note{font-size:13px;color:#605e5c}
form{margin:0}button{display:block;width:100%;text-align:left;border:1px solid #8a8886;background:#fff;padding:10px 12px;margin:8px 0;cursor:pointer;font:inherit}
button:hover,button:focus{background:#f3f2f1}button.expected{border:2px solid #0067b8}
.upn{display:block;font-size:13px;color:#605e5c}.consent{display:block;font-size:12px;color:#a4262c}
.code{font-size:40px;letter-spacing:8px;font-weight:600;text-align:center;margin:24px 0}
</style></head><body><main>${body}</main></body></html>`;
}

/** The account picker of the local sign-in page: the seeded users, the one the bot asked about first. */
export function renderAccountPicker(opts: {
  signInId: string;
  appName: string;
  scopes: string[];
  users: SandboxUser[];
  tenants: SandboxTenant[];
  expectedUserId?: string;
  hasConsented(userId: string): boolean;
}): string {
  const tenantName = (id: string) => opts.tenants.find((t) => t.id === id)?.name ?? id;
  const buttons = opts.users
    .map((u) => {
      const expected = opts.expectedUserId && u.teamsId.toLowerCase() === opts.expectedUserId.toLowerCase();
      const consent = opts.hasConsented(u.id)
        ? ''
        : `<span class="consent">Has not consented yet: signing in accepts the permissions below.</span>`;
      return `<form method="post"><input type="hidden" name="signin" value="${escapeHtml(opts.signInId)}"><input type="hidden" name="user" value="${escapeHtml(u.userPrincipalName)}">
<button type="submit"${expected ? ' class="expected"' : ''} data-upn="${escapeHtml(u.userPrincipalName)}">${escapeHtml(u.displayName)}${expected ? ' (the Teams user who asked)' : ''}
<span class="upn">${escapeHtml(u.userPrincipalName)} · ${escapeHtml(tenantName(u.tenantId))}</span>${consent}</button></form>`;
    })
    .join('\n');
  return page(
    'Sign in - Share Link sandbox',
    `<h1>Pick an account</h1>
<p>${escapeHtml(opts.appName)} wants to act as you with these Microsoft Graph permissions: ${opts.scopes.map(escapeHtml).join(', ')}.</p>
${buttons}
<p class="note">Local Microsoft 365 sandbox: no password, nothing leaves this machine.</p>`,
  );
}

/** The page that ends a sign-in: the magic code the person types into (or Teams passes to) the bot. */
export function renderMagicCode(code: string, user: SandboxUser): string {
  return page(
    'Signed in - Share Link sandbox',
    `<h1>You are signed in</h1>
<p>Signed in as ${escapeHtml(user.displayName)} (${escapeHtml(user.userPrincipalName)}).</p>
<p>To finish, enter this code in the conversation:</p>
<div class="code" id="magic-code">${escapeHtml(code)}</div>
<p class="note">The code works once and expires in 15 minutes. You can close this window.</p>`,
  );
}

/** A sign-in page error (expired or unknown link). */
export function renderSignInError(message: string): string {
  return page('Sign-in problem - Share Link sandbox', `<h1>Sign-in did not work</h1><p>${escapeHtml(message)}</p>`);
}
