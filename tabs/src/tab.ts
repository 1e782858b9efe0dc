/* The "My shared links" personal tab: lists the links the person created through Share Link and revokes them. */

interface ShareView {
  permissionId: string;
  itemName: string;
  itemWebUrl: string;
  linkUrl: string;
  type?: string;
  scope?: string;
  expirationDateTime?: string;
  passwordProtected: boolean;
  recipients: string[];
  createdAt: string;
  status: 'active' | 'revoked' | 'expired';
  revokedAt?: string;
}

const SCOPE_WORDS: Record<string, string> = {
  anonymous: 'Anyone with the link',
  organization: 'People in your organization',
  users: 'Specific people',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const c of children) node.append(c);
  return node;
}

function formatDate(iso: string | undefined, locale: string): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

async function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
}

function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  const status = document.getElementById('status')!;
  status.textContent = text;
  status.className = kind;
}

function render(shares: ShareView[], locale: string, token: string): void {
  const list = document.getElementById('shares')!;
  list.replaceChildren();
  if (!shares.length) {
    setStatus('You have not shared any links with Share Link yet. Use "Create sharing link" in any chat.');
    return;
  }
  setStatus(`${shares.length} link${shares.length === 1 ? '' : 's'}`);
  for (const s of shares) {
    const revoke = el('button', { textContent: 'Revoke', disabled: s.status !== 'active', className: 'revoke' });
    revoke.addEventListener('click', async () => {
      revoke.disabled = true;
      const res = await api(`/api/shares/${encodeURIComponent(s.permissionId)}/revoke`, token, { method: 'POST' });
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      if (res.ok) {
        s.status = 'revoked';
        s.revokedAt = new Date().toISOString();
        render(shares, locale, token);
        setStatus(`Revoked the link to ${s.itemName}.`);
      } else {
        revoke.disabled = false;
        setStatus(body.message ?? 'Could not revoke the link. Try again.', 'error');
      }
    });
    const statusText =
      s.status === 'revoked' ? `Revoked ${formatDate(s.revokedAt, locale)}` : s.status === 'expired' ? 'Expired' : 'Active';
    list.append(
      el(
        'tr',
        { className: s.status },
        el('td', {}, el('a', { href: s.itemWebUrl, target: '_blank', rel: 'noopener', textContent: s.itemName })),
        el('td', {}, el('a', { href: s.linkUrl, target: '_blank', rel: 'noopener', textContent: s.type ?? 'default' })),
        el('td', { textContent: s.scope ? (SCOPE_WORDS[s.scope] ?? s.scope) : 'Organization default' }),
        el('td', { textContent: formatDate(s.createdAt, locale) }),
        el('td', { textContent: s.expirationDateTime ? formatDate(s.expirationDateTime, locale) : 'Never' }),
        el('td', { textContent: statusText + (s.passwordProtected ? ' · password' : '') }),
        el('td', {}, revoke),
      ),
    );
  }
}

async function main(): Promise<void> {
  setStatus('Loading your links…');
  await microsoftTeams.app.initialize();
  const context = await microsoftTeams.app.getContext();
  const locale = context.app.locale || 'en-US';
  document.body.dataset.theme = context.app.theme ?? 'default';
  microsoftTeams.app.notifySuccess();
  let token: string;
  try {
    token = await microsoftTeams.authentication.getAuthToken();
  } catch {
    setStatus('Sign-in failed. Close and reopen the tab; if it keeps failing, ask your admin to grant consent.', 'error');
    return;
  }
  const res = await api('/api/shares', token);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    setStatus(body.message ?? `Could not load your links (${res.status}).`, 'error');
    return;
  }
  const { shares } = (await res.json()) as { shares: ShareView[] };
  render(shares, locale, token);
}

main().catch((err: unknown) => setStatus(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`, 'error'));
