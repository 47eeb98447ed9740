// The app's entry: language, session, the page chrome (campaign switcher on top, navigation at the bottom
// on phones and on the left on wide screens) and the route's screen.
import { render, type ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { Provider, useClient, useMutation, useQuery } from '@urql/preact';
import { createApiClient, errorCode } from './api';
import { I18nContext, initialLang, keepLang, makeI18n, useI18n, LANGS, type Lang } from './i18n';
import { navigate, useRoute, type Route } from './router';
import { graphql } from './gql';
import { Link, Loading } from './components/ui';
import { SignIn } from './screens/SignIn';
import { Home } from './screens/Home';
import { WallChart } from './screens/WallChart';
import { Person } from './screens/Person';
import { People } from './screens/People';
import { Tasks } from './screens/Tasks';
import { TaskBoard } from './screens/TaskBoard';
import { TestsScreen } from './screens/TestsScreen';
import { Me } from './screens/Me';
import { Setup } from './screens/Setup';
import { Invitation } from './screens/Invitation';
import { AdminHub } from './screens/admin/Hub';
import { Users } from './screens/admin/Users';
import { User } from './screens/admin/User';
import { AccessLog } from './screens/admin/AccessLog';
import { Tokens } from './screens/admin/Tokens';
import { CampaignSetup } from './screens/admin/CampaignSetup';
import { Session, useSession, currentCampaign } from './session';
import { drain, pending, type OutboxItem } from './outbox';

const MeQuery = graphql(`
  query Me {
    me {
      userId
      chapterId
      role
      canExport
      language
    }
    campaigns {
      id
      name
      archived
    }
  }
`);

/// Keeps the language a person chose on the server, so every browser they sign in from opens in it.
const SetMyLanguageDoc = graphql(`
  mutation SetMyLanguage($language: String) {
    setMyLanguage(language: $language) {
      userId
      language
    }
  }
`);

/// The app's language for a tag the server kept (`es-MX` → `es`), if the app speaks it.
function appLang(tag: string | null | undefined): Lang | null {
  const base = tag?.toLowerCase().split('-')[0];
  return LANGS.find((lang) => lang === base) ?? null;
}

function Chrome(props: { route: Route; lang: Lang; setLang: (lang: Lang) => void }) {
  const { route } = props;
  const [, setMyLanguage] = useMutation(SetMyLanguageDoc);
  const i18n = useMemo(() => makeI18n(props.lang), [props.lang]);
  const { t } = i18n;
  const [{ data, error, fetching }, refetch] = useQuery({ query: MeQuery, pause: route.name === 'setup' || route.name === 'signIn' || route.name === 'invitation' });
  const code = errorCode(error);
  const kept = appLang(data?.me.language);

  // The language kept for this person wins over this browser's; without one, the browser's stays.
  useEffect(() => {
    if (kept && kept !== props.lang) props.setLang(kept);
  }, [kept, data?.me.userId]);
  /// A language the person picks while signed in is kept for them on the server too.
  const chooseLang = (lang: Lang) => {
    props.setLang(lang);
    if (data) void setMyLanguage({ language: lang });
  };

  // Before the screen is painted in the new language, so a screen reader never reads it in the old one.
  useLayoutEffect(() => {
    document.documentElement.lang = props.lang;
  }, [props.lang]);
  useEffect(() => {
    // Nothing personal in titles: the screen's kind only.
    document.title = `${t(`title.${route.name}` as 'title.home')} · Groundwork`;
  }, [route.name, props.lang]);

  if (route.name === 'setup') {
    return (
      <I18nContext.Provider value={i18n}>
        <main id="main" class="narrow">
          <Setup token={route.token} />
        </main>
      </I18nContext.Provider>
    );
  }
  if (route.name === 'invitation') {
    return (
      <I18nContext.Provider value={i18n}>
        <header class="topbar">
          <span class="brand">Groundwork</span>
          <LangSwitch lang={props.lang} setLang={props.setLang} />
        </header>
        <main id="main" class="narrow">
          <Invitation code={route.code} />
        </main>
      </I18nContext.Provider>
    );
  }
  if (route.name === 'signIn' || code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
    return (
      <I18nContext.Provider value={i18n}>
        <header class="topbar">
          <span class="brand">Groundwork</span>
          <LangSwitch lang={props.lang} setLang={props.setLang} />
        </header>
        <main id="main" class="narrow">
          <SignIn
            onSignedIn={() => {
              if (route.name === 'signIn') navigate('/', true);
              refetch({ requestPolicy: 'network-only' });
            }}
          />
        </main>
      </I18nContext.Provider>
    );
  }
  if (!data) {
    return (
      <I18nContext.Provider value={i18n}>
        <main id="main" class="narrow">
          {fetching || !error ? <Loading /> : <p role="alert">{t('error.network')}</p>}
        </main>
      </I18nContext.Provider>
    );
  }
  const session: Session = {
    userId: data.me.userId,
    chapterId: data.me.chapterId,
    role: data.me.role,
    canExport: data.me.canExport,
    campaigns: data.campaigns.filter((c) => !c.archived),
  };
  const campaignId = currentCampaign(session, route);
  const mayAdminister = session.role === 'ADMIN' || session.role === 'LEAD';
  const nav = [
    { href: campaignId ? `/campaigns/${campaignId}` : '/', label: t('nav.wallChart'), active: route.name === 'wallChart' || route.name === 'home' },
    { href: campaignId ? `/people?campaign=${campaignId}` : '/people', label: t('nav.people'), active: route.name === 'people' || route.name === 'person' },
    { href: '/tasks', label: t('nav.tasks'), active: route.name === 'tasks' || route.name === 'taskBoard' },
    { href: '/me', label: t('nav.me'), active: route.name === 'me' },
  ];
  // The admin and set-up screens, for those who may use them (the server stays the authority).
  if (mayAdminister) nav.push({ href: '/admin', label: t('nav.admin'), active: route.name.startsWith('admin') });
  return (
    <I18nContext.Provider value={i18n}>
      <Session.Provider value={session}>
        <a class="skip-link" href="#main">
          {t('nav.skip')}
        </a>
        <header class="topbar">
          <Link href="/" class="brand">
            Groundwork
          </Link>
          <CampaignSwitch campaignId={campaignId} />
        </header>
        <div class="layout">
          <nav class="bottom-nav" aria-label={t('nav.label')}>
            <ul class={nav.length > 4 ? 'five' : undefined}>
              {nav.map((item) => (
                <li key={item.href}>
                  <Link href={item.href} aria-current={item.active ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <main id="main" class={route.name === 'wallChart' || route.name === 'people' || route.name === 'person' ? 'wide' : undefined}>
            <Connectivity />
            <Screen route={route} lang={props.lang} setLang={chooseLang} />
          </main>
        </div>
      </Session.Provider>
    </I18nContext.Provider>
  );
}

/// Says when the phone is offline, sends what was kept meanwhile once it is back, and reports how that went.
function Connectivity() {
  const { t, plural } = useI18n();
  const client = useClient();
  const [online, setOnline] = useState(() => navigator.onLine);
  const [sent, setSent] = useState(0);
  const [refused, setRefused] = useState<OutboxItem[]>([]);
  useEffect(() => {
    const send = () => {
      if (pending().length === 0) return;
      void drain(client).then((report) => {
        if (report.sent > 0) setSent(report.sent);
        if (report.refused.length > 0) setRefused(report.refused);
      });
    };
    const up = () => {
      setOnline(true);
      send();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    send();
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [client]);
  return (
    <div class="connectivity" role="status">
      {!online && <p class="banner">{t('offline.banner')}</p>}
      {sent > 0 && <p class="banner">{plural('offline.sent', sent)}</p>}
      {refused.length > 0 && (
        <div class="banner">
          <p>{t('offline.refused')}</p>
          <ul>
            {refused.map((item, index) => (
              <li key={`${item.personId}-${index}`}>
                <Link href={`/people/${item.personId}`}>{t('offline.open')}</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/// Whether the screen is wide enough for a list and a detail side by side (a laptop, not a phone).
const WIDE = '(min-width: 75rem)';
function useWide(): boolean {
  const [wide, setWide] = useState(() => typeof matchMedia === 'function' && matchMedia(WIDE).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia(WIDE);
    const update = () => setWide(query.matches);
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return wide;
}

/// The list the person last opened someone from: on a wide screen it stays beside the person.
type ListScreen = { kind: 'chart'; campaignId: string; asOf: string | null } | { kind: 'people'; campaignId: string | null };
let lastList: ListScreen | null = null;

/// Desktop: the list (the wall chart with its units' people, or the people list) in the left column and
/// the person in the right one. The list stays mounted while people are opened from it, so its open units,
/// search and scroll position stay as they were.
function TwoColumns(props: { route: Route }) {
  const { t } = useI18n();
  const { route } = props;
  if (route.name === 'wallChart') lastList = { kind: 'chart', campaignId: route.campaignId, asOf: route.asOf };
  else if (route.name === 'people') lastList = { kind: 'people', campaignId: route.campaignId };
  const list = lastList ?? { kind: 'people', campaignId: null };
  return (
    <div class="split">
      <div class="split-list">
        {list.kind === 'chart' ? (
          <WallChart key={`${list.campaignId}/${list.asOf ?? ''}`} campaignId={list.campaignId} asOf={list.asOf} />
        ) : (
          <People campaignId={list.campaignId} />
        )}
      </div>
      <div class="split-detail">
        {route.name === 'person' ? (
          <Person key={route.personId} personId={route.personId} />
        ) : (
          <p class="empty split-hint">{t('layout.pickPerson')}</p>
        )}
      </div>
    </div>
  );
}

function Screen(props: { route: Route; lang: Lang; setLang: (lang: Lang) => void }) {
  const { route } = props;
  const wide = useWide();
  if (wide && (route.name === 'wallChart' || route.name === 'people' || (route.name === 'person' && lastList))) {
    return <TwoColumns route={route} />;
  }
  switch (route.name) {
    case 'home':
      return <Home />;
    case 'wallChart':
      return <WallChart key={`${route.campaignId}/${route.asOf ?? ''}`} campaignId={route.campaignId} asOf={route.asOf} />;
    case 'person':
      return <Person key={route.personId} personId={route.personId} />;
    case 'people':
      return <People campaignId={route.campaignId} />;
    case 'tasks':
      return <Tasks />;
    case 'taskBoard':
      return <TaskBoard />;
    case 'structureTests':
      return <TestsScreen key={route.campaignId} campaignId={route.campaignId} />;
    case 'me':
      return <Me lang={props.lang} setLang={props.setLang} />;
    case 'admin':
      return <AdminHub />;
    case 'adminUsers':
      return <Users />;
    case 'adminUser':
      return <User key={route.userId} userId={route.userId} />;
    case 'adminAccessLog':
      return <AccessLog key={route.page} page={route.page} />;
    case 'adminTokens':
      return <Tokens />;
    case 'adminCampaign':
      return <CampaignSetup key={route.campaignId} campaignId={route.campaignId} />;
    case 'adminImport':
      return <Lazy key={route.campaignId} load={loadImports} props={{ campaignId: route.campaignId }} />;
    default:
      return <NotFound />;
  }
}

/// The import screen, a lead's once-a-month tool, is its own chunk: the first screen does not load it.
const loadImports = () => import('./screens/admin/Imports').then((module) => module.Imports);

/// A screen loaded when first opened (its code is a separate file the first screen does not fetch).
function Lazy<P extends object>(props: { load: () => Promise<ComponentType<P>>; props: P }) {
  const { t } = useI18n();
  const [screen, setScreen] = useState<{ component: ComponentType<P> } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    props.load().then(
      (component) => live && setScreen({ component }),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  if (failed) return <p role="alert">{t('error.network')}</p>;
  if (!screen) return <Loading />;
  const Screen = screen.component;
  return <Screen {...props.props} />;
}

function NotFound() {
  const i18n = useI18n();
  return (
    <section>
      <h1>{i18n.t('notFound.title')}</h1>
      <p>
        <Link href="/">{i18n.t('notFound.home')}</Link>
      </p>
    </section>
  );
}

function CampaignSwitch(props: { campaignId: string | null }) {
  const session = useSession();
  const i18n = useI18n();
  if (session.campaigns.length < 2) return null;
  return (
    <label class="campaign-switch">
      <span class="visually-hidden">{i18n.t('nav.campaign')}</span>
      <select
        value={props.campaignId ?? ''}
        onChange={(event) => navigate(`/campaigns/${(event.currentTarget as HTMLSelectElement).value}`)}
      >
        {session.campaigns.map((campaign) => (
          <option key={campaign.id} value={campaign.id}>
            {campaign.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function LangSwitch(props: { lang: Lang; setLang: (lang: Lang) => void }) {
  const other: Lang = props.lang === 'en' ? 'es' : 'en';
  return (
    <button type="button" class="button link" lang={other} onClick={() => props.setLang(other)}>
      {other === 'es' ? 'Español' : 'English'}
    </button>
  );
}

function App() {
  const client = useMemo(createApiClient, []);
  const route = useRoute();
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = (next: Lang) => {
    keepLang(next);
    setLangState(next);
  };
  return (
    <Provider value={client}>
      <Chrome route={route} lang={lang} setLang={setLang} />
    </Provider>
  );
}

const mount = document.getElementById('app');
if (mount) render(<App />, mount);
