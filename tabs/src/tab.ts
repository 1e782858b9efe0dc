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

/** A text with one form per plural category of the language (Intl.PluralRules), at least `other`. */
type PluralText = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** The tab's texts in the person's language (the "tab" section of src/cards/strings/<lang>.json). */
interface TabTexts {
  title: string;
  columns: Record<'file' | 'link' | 'audience' | 'created' | 'expires' | 'status' | 'actions', string>;
  loading: string;
  notInTeams: string;
  signInFailed: string;
  loadFailed: string;
  empty: string;
  summary: PluralText;
  scopes: Record<string, string>;
  types: Record<string, string>;
  organizationDefault: string;
  /** "People in {name}", "People in this chat|meeting|channel", "can't open it: {names}". */
  audiencePeople: string;
  audienceHere: Record<string, string>;
  audienceCannot: string;
  openLink: string;
  never: string;
  statusActive: string;
  statusExpired: string;
  statusRevoked: string;
  passwordProtected: string;
  revoke: string;
  revokeLabel: string;
  confirmTitle: string;
  confirmText: string;
  confirm: string;
  cancel: string;
  revoked: string;
  revokeFailed: string;
  unreachable: string;
  unexpected: string;
}

/** What GET /tab/strings answers: the language chosen for the locale, its direction and the texts. */
interface Language {
  lang: string;
  dir: 'ltr' | 'rtl';
  /** Locale for dates and numbers (the person's, or English when their language has no texts). */
  formatLocale: string;
  separator: string;
  texts: TabTexts;
}

const THEMES = ['default', 'dark', 'contrast'];

let language: Language;

/** Applies a Teams theme name (unknown names fall back to the light theme). */
function applyTheme(theme: string | undefined): void {
  document.body.dataset.theme = theme && THEMES.includes(theme) ? theme : 'default';
}

/** Loads the texts for a locale and applies language, direction and the page's static texts. */
async function loadLanguage(locale: string): Promise<void> {
  const res = await fetch(`strings?locale=${encodeURIComponent(locale)}`);
  if (!res.ok) throw new Error(`strings: ${res.status}`);
  language = (await res.json()) as Language;
  document.documentElement.lang = language.lang;
  document.documentElement.dir = language.dir;
  document.title = language.texts.title;
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('[data-text]'))) {
    const path = (node.dataset.text ?? '').split('.');
    let value: unknown = language.texts;
    for (const part of path) value = (value as Record<string, unknown> | undefined)?.[part];
    if (typeof value === 'string') node.textContent = value;
  }
}

function t(): TabTexts {
  return language.texts;
}

/** Fills `{name}` placeholders. */
function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

function plural(forms: PluralText, count: number, params: Record<string, string | number>): string {
  const category = new Intl.PluralRules(language.lang).select(count);
  const count_ = new Intl.NumberFormat(language.formatLocale).format(count);
  return fill(forms[category] ?? forms.other, { ...params, count: count_ });
}

/** A name, address or URL inside a sentence: isolated so right-to-left text around it keeps its order. */
function isolated(text: string): string {
  return `\u2068${text}\u2069`;
}

/** The URL when it is an https address; anything else (javascript:, data:, relative) is never put in an href. */
function httpsUrl(url: string): string | undefined {
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The link's kind; a link only while it still works (a revoked or expired URL leads nowhere). */
function linkCell(s: ShareView): Node {
  const words = s.type ? (t().types[s.type] ?? s.type) : t().organizationDefault;
  const href = httpsUrl(s.linkUrl);
  if (s.status !== 'active' || !href) return document.createTextNode(words);
  return el('a', {
    href,
    target: '_blank',
    rel: 'noopener',
    title: t().openLink,
    textContent: words,
  });
}

/** A list of names, each in its own <bdi> (names and addresses stay readable inside right-to-left text). */
function names(list: string[]): Node[] {
  const out: Node[] = [];
  list.forEach((n, i) => {
    if (i > 0) out.push(document.createTextNode(language.separator));
    out.push(el('bdi', { textContent: n }));
  });
  return out;
}

function audience(s: ShareView): Node[] {
  if (s.audience) {
    // "People in this chat": the conversation and the people as they were when the link was made.
    const a = s.audience;
    const head = a.name
      ? fill(t().audiencePeople, { name: isolated(a.name) })
      : (t().audienceHere[a.kind] ?? t().audienceHere.groupChat);
    const out: Node[] = [document.createTextNode(`${head}: `), ...names(a.people)];
    if (a.excluded.length) {
      const [before, after = ''] = t().audienceCannot.split('{names}');
      out.push(document.createTextNode(` (${before}`), ...names(a.excluded.map((p) => p.displayName)));
      out.push(document.createTextNode(`${after})`));
    }
    return out;
  }
  if (!s.scope) return [document.createTextNode(t().organizationDefault)];
  const words = t().scopes[s.scope] ?? s.scope;
  if (s.scope !== 'users' || !s.recipients.length) return [document.createTextNode(words)];
  // Each address in its own <bdi>: an e-mail address stays readable inside right-to-left text.
  const out: Node[] = [document.createTextNode(`${words}: `)];
  s.recipients.forEach((r, i) => {
    if (i > 0) out.push(document.createTextNode(language.separator));
    out.push(el('bdi', { textContent: r }));
  });
  return out;
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

function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };
  try {
    return new Date(iso).toLocaleDateString(language.formatLocale, options);
  } catch {
    // A locale tag the browser does not accept throws RangeError; dates still need to show.
    return new Date(iso).toLocaleDateString('en-US', options);
  }
}

async function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  // Accept-Language carries the Teams locale, so the service answers errors in the person's language.
  const headers = { ...(init.headers ?? {}), authorization: `Bearer ${token}`, 'accept-language': language.lang };
  return fetch(path, { ...init, headers });
}

interface RevokeAnswer {
  message?: string;
  revokedAt?: string;
  /** Conditional Access (e.g. MFA) wants an interactive sign-in before Microsoft gives a token. */
  interactionRequired?: boolean;
}

async function postRevoke(s: ShareView, token: string): Promise<{ res: Response; body: RevokeAnswer }> {
  let res: Response;
  try {
    res = await api(`/api/shares/${encodeURIComponent(s.permissionId)}/revoke`, token, { method: 'POST' });
  } catch {
    throw new Error(t().unreachable);
  }
  return { res, body: (await res.json().catch(() => ({}))) as RevokeAnswer };
}

/**
 * Asks the service to revoke the link; marks it revoked or throws an Error with a message for the person. When
 * Conditional Access wants a sign-in (MFA), asks Teams for a token non-silently, so Teams can show that sign-in,
 * and tries once more. Returns the token to use from now on.
 */
async function revokeLink(s: ShareView, token: string): Promise<string> {
  let used = token;
  let { res, body } = await postRevoke(s, used);
  if (res.status === 401 && body.interactionRequired) {
    try {
      used = await microsoftTeams.authentication.getAuthToken({ silent: false });
    } catch {
      throw new Error(body.message ?? t().revokeFailed);
    }
    ({ res, body } = await postRevoke(s, used));
  }
  if (!res.ok) throw new Error(body.message ?? t().revokeFailed);
  s.status = 'revoked';
  s.revokedAt = body.revokedAt ?? new Date().toISOString();
  return used;
}

/**
 * Says what the tab shows. Information goes to the polite status region; errors to the alert region, so screen
 * readers announce them at once, and they are marked by text and an icon, not by colour alone.
 */
function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  const status = document.getElementById('status')!;
  const alert = document.getElementById('alert')!;
  status.textContent = kind === 'info' ? text : '';
  alert.textContent = kind === 'error' ? text : '';
  alert.hidden = kind !== 'error';
  status.className = kind;
  document.body.dataset.state = kind === 'error' ? 'error' : 'ready';
}

/** Settles the confirmation still waiting for an answer, if any (a new one replaces it). */
let settlePendingConfirm: ((answer: boolean) => void) | undefined;

/**
 * Asks before revoking: a native modal dialog (focus moves in, Escape cancels, focus returns afterwards). Escape
 * answers through `cancel`, which fires at once; the dialog's `close` event comes a task later and may arrive after
 * a quick second Revoke has opened the dialog again, so a `close` while the dialog is open is not an answer.
 */
function confirmRevoke(s: ShareView): Promise<boolean> {
  settlePendingConfirm?.(false);
  const dialog = document.getElementById('confirm') as HTMLDialogElement;
  document.getElementById('confirm-text')!.textContent = fill(t().confirmText, { name: isolated(s.itemName) });
  const yes = document.getElementById('confirm-yes') as HTMLButtonElement;
  const no = document.getElementById('confirm-no') as HTMLButtonElement;
  return new Promise((resolve) => {
    const done = (answer: boolean) => {
      settlePendingConfirm = undefined;
      yes.removeEventListener('click', onYes);
      no.removeEventListener('click', onNo);
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onYes = () => done(true);
    const onNo = () => done(false);
    const onCancel = () => done(false);
    const onClose = () => {
      if (!dialog.open) done(false);
    };
    settlePendingConfirm = done;
    yes.addEventListener('click', onYes);
    no.addEventListener('click', onNo);
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    // The safe choice has the focus: Enter right away keeps the link.
    no.focus();
  });
}

function render(shares: ShareView[], token: string): void {
  const list = document.getElementById('shares')!;
  list.replaceChildren();
  // An empty table (just its header) under a message reads as broken: show it only when it has rows.
  document.getElementById('table')!.hidden = !shares.length;
  if (!shares.length) {
    setStatus(t().empty);
    return;
  }
  const active = shares.filter((s) => s.status === 'active').length;
  setStatus(
    plural(t().summary, shares.length, { active: new Intl.NumberFormat(language.formatLocale).format(active) }),
  );
  for (const s of shares) {
    const actions = el('td', { className: 'actions' });
    if (s.status === 'active') {
      const revoke = el('button', { textContent: t().revoke, className: 'revoke', type: 'button' });
      revoke.setAttribute('aria-label', fill(t().revokeLabel, { name: s.itemName }));
      revoke.addEventListener('click', async () => {
        if (!(await confirmRevoke(s))) {
          revoke.focus();
          return;
        }
        revoke.disabled = true;
        try {
          token = await revokeLink(s, token);
          render(shares, token);
          setStatus(fill(t().revoked, { name: isolated(s.itemName) }));
          // The button is gone with the re-render: keep the keyboard user on the same row.
          (document.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(s.permissionId)}"] a`) ?? list).focus();
        } catch (err) {
          revoke.disabled = false;
          setStatus(err instanceof Error ? err.message : t().revokeFailed, 'error');
          revoke.focus();
        }
      });
      actions.append(revoke);
    }
    const statusText =
      s.status === 'revoked'
        ? fill(t().statusRevoked, { date: formatDate(s.revokedAt) })
        : s.status === 'expired'
          ? t().statusExpired
          : t().statusActive;
    const row = el(
      'tr',
      { className: s.status },
      el(
        'td',
        {},
        // dir=auto: a Hebrew or Arabic file name reads correctly in an English table and vice versa.
        httpsUrl(s.itemWebUrl)
          ? el('a', { href: s.itemWebUrl, target: '_blank', rel: 'noopener', textContent: s.itemName, dir: 'auto' })
          : el('span', { textContent: s.itemName, dir: 'auto' }),
      ),
      el('td', {}, linkCell(s)),
      el('td', {}, ...audience(s)),
      el('td', { textContent: formatDate(s.createdAt) }),
      el('td', { textContent: s.expirationDateTime ? formatDate(s.expirationDateTime) : t().never }),
      el('td', {
        textContent: statusText + (s.passwordProtected ? `${language.separator}${t().passwordProtected}` : ''),
      }),
      actions,
    );
    row.dataset.id = s.permissionId;
    list.append(row);
  }
}

async function main(): Promise<void> {
  try {
    await microsoftTeams.app.initialize();
  } catch {
    await loadLanguage(navigator.language);
    setStatus(t().notInTeams, 'error');
    return;
  }
  const context = await microsoftTeams.app.getContext();
  await loadLanguage(context.app.locale || 'en-US');
  setStatus(t().loading);
  document.body.dataset.state = 'loading';
  applyTheme(context.app.theme);
  // Teams switches themes without reloading the tab.
  microsoftTeams.app.registerOnThemeChangeHandler(applyTheme);
  microsoftTeams.app.notifySuccess();
  let token: string;
  try {
    token = await microsoftTeams.authentication.getAuthToken();
  } catch {
    setStatus(t().signInFailed, 'error');
    return;
  }
  const res = await api('/api/shares', token);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    setStatus(body.message ?? fill(t().loadFailed, { status: res.status }), 'error');
    return;
  }
  const { shares } = (await res.json()) as { shares: ShareView[] };
  render(shares, token);
}

main().catch(() =>
  setStatus(language ? t().unexpected : 'Something went wrong. Reload the tab and try again.', 'error'),
);
