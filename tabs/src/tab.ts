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
  /** "People in this chat": the conversation and the people as they were when the link was made. */
  audience?: { kind: string; name?: string; people: string[]; excluded: Array<{ displayName: string }> };
  createdAt: string;
  status: 'active' | 'revoked' | 'expired';
  revokedAt?: string;
}

const SCOPE_WORDS: Record<string, string> = {
  anonymous: 'Anyone with the link',
  organization: 'People in your organization',
  users: 'Specific people',
};

/** What each link type lets people do, in the words Microsoft 365's share dialog uses. */
const TYPE_WORDS: Record<string, string> = {
  view: 'Can view',
  review: 'Can review',
  edit: 'Can edit',
  embed: 'Embed',
  blocksDownload: "Can view, can't download",
  createOnly: 'Can upload only',
  addressBar: 'Address bar link',
  adminDefault: 'Admin default',
};

const THEMES = ['default', 'dark', 'contrast'];

/** Applies a Teams theme name (unknown names fall back to the light theme). */
function applyTheme(theme: string | undefined): void {
  document.body.dataset.theme = theme && THEMES.includes(theme) ? theme : 'default';
}

/** The link's kind; a link only while it still works (a revoked or expired URL leads nowhere). */
function linkCell(s: ShareView): Node {
  const words = s.type ? (TYPE_WORDS[s.type] ?? s.type) : 'Organization default';
  if (s.status !== 'active') return document.createTextNode(words);
  return el('a', {
    href: s.linkUrl,
    target: '_blank',
    rel: 'noopener',
    title: 'Open the sharing link',
    textContent: words,
  });
}

const CONVERSATION_WORDS: Record<string, string> = {
  groupChat: 'chat',
  oneOnOne: 'chat',
  meeting: 'meeting',
  channel: 'channel',
};

function audience(s: ShareView): string {
  if (s.audience) {
    const where = CONVERSATION_WORDS[s.audience.kind] ?? 'chat';
    const head = s.audience.name ? `People in ${s.audience.name}` : `People in this ${where}`;
    const cannot = s.audience.excluded.length
      ? ` (cannot open: ${s.audience.excluded.map((p) => p.displayName).join(', ')})`
      : '';
    return `${head}: ${s.audience.people.join(', ')}${cannot}`;
  }
  if (!s.scope) return 'Organization default';
  const words = SCOPE_WORDS[s.scope] ?? s.scope;
  return s.scope === 'users' && s.recipients.length ? `${words}: ${s.recipients.join(', ')}` : words;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const c of children) node.append(c);
  return node;
}

function formatDate(iso: string | undefined, locale: string): string {
  if (!iso) return '—';
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };
  try {
    return new Date(iso).toLocaleDateString(locale, options);
  } catch {
    // A locale tag the browser does not accept throws RangeError; dates still need to show.
    return new Date(iso).toLocaleDateString('en-US', options);
  }
}

async function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } });
}

/** Asks the service to revoke the link; marks it revoked or throws an Error with a message for the person. */
async function revokeLink(s: ShareView, token: string): Promise<void> {
  let res: Response;
  try {
    res = await api(`/api/shares/${encodeURIComponent(s.permissionId)}/revoke`, token, { method: 'POST' });
  } catch {
    throw new Error('Could not reach Share Link. Check your connection and try again.');
  }
  const body = (await res.json().catch(() => ({}))) as { message?: string; revokedAt?: string };
  if (!res.ok) throw new Error(body.message ?? 'Could not revoke the link. Try again.');
  s.status = 'revoked';
  s.revokedAt = body.revokedAt ?? new Date().toISOString();
}

function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  const status = document.getElementById('status')!;
  status.textContent = text;
  status.className = kind;
}

function render(shares: ShareView[], locale: string, token: string): void {
  const list = document.getElementById('shares')!;
  list.replaceChildren();
  // An empty table (just its header) under a message reads as broken: show it only when it has rows.
  document.getElementById('table')!.hidden = !shares.length;
  if (!shares.length) {
    setStatus('You have not shared any links with Share Link yet. Use "Create sharing link" in any chat.');
    return;
  }
  const active = shares.filter((s) => s.status === 'active').length;
  setStatus(`${shares.length} link${shares.length === 1 ? '' : 's'}, ${active} active`);
  for (const s of shares) {
    const actions = el('td', { className: 'actions' });
    if (s.status === 'active') {
      const revoke = el('button', { textContent: 'Revoke', className: 'revoke', type: 'button' });
      revoke.setAttribute('aria-label', `Revoke the link to ${s.itemName}`);
      revoke.addEventListener('click', () => {
        revoke.disabled = true;
        revokeLink(s, token)
          .then(() => {
            render(shares, locale, token);
            setStatus(`Revoked the link to ${s.itemName}.`);
          })
          .catch((err: unknown) => {
            revoke.disabled = false;
            setStatus(err instanceof Error ? err.message : 'Could not revoke the link. Try again.', 'error');
          });
      });
      actions.append(revoke);
    }
    const statusText =
      s.status === 'revoked'
        ? `Revoked ${formatDate(s.revokedAt, locale)}`
        : s.status === 'expired'
          ? 'Expired'
          : 'Active';
    list.append(
      el(
        'tr',
        { className: s.status },
        el('td', {}, el('a', { href: s.itemWebUrl, target: '_blank', rel: 'noopener', textContent: s.itemName })),
        el('td', {}, linkCell(s)),
        el('td', { textContent: audience(s) }),
        el('td', { textContent: formatDate(s.createdAt, locale) }),
        el('td', { textContent: s.expirationDateTime ? formatDate(s.expirationDateTime, locale) : 'Never' }),
        el('td', { textContent: statusText + (s.passwordProtected ? ' · password' : '') }),
        actions,
      ),
    );
  }
}

async function main(): Promise<void> {
  setStatus('Loading your links…');
  try {
    await microsoftTeams.app.initialize();
  } catch {
    setStatus('Open this page from the Share Link app in Microsoft Teams, Outlook or Microsoft 365.', 'error');
    return;
  }
  const context = await microsoftTeams.app.getContext();
  const locale = context.app.locale || 'en-US';
  applyTheme(context.app.theme);
  // Teams switches themes without reloading the tab.
  microsoftTeams.app.registerOnThemeChangeHandler(applyTheme);
  microsoftTeams.app.notifySuccess();
  let token: string;
  try {
    token = await microsoftTeams.authentication.getAuthToken();
  } catch {
    setStatus(
      'Sign-in failed. Close and reopen the tab; if it keeps failing, ask your admin to grant consent.',
      'error',
    );
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

main().catch((err: unknown) =>
  setStatus(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`, 'error'),
);
