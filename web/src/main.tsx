// The app's entry: language, session, the page chrome (campaign switcher on top, navigation at the bottom
// on phones and on the left on wide screens) and the route's screen.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Provider, useClient, useQuery } from '@urql/preact';
import { createApiClient, errorCode } from './api';
import { I18nContext, initialLang, keepLang, makeI18n, useI18n, type Lang } from './i18n';
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
import { Session, useSession, currentCampaign } from './session';
import { drain, pending, type OutboxItem } from './outbox';

const MeQuery = graphql(`
  query Me {
    me {
      userId
      chapterId
      role
      canExport
    }
    campaigns {
      id
      name
      archived
    }
  }
`);

function Chrome(props: { route: Route; lang: Lang; setLang: (lang: Lang) => void }) {
  const { route } = props;
  const i18n = useMemo(() => makeI18n(props.lang), [props.lang]);
  const { t } = i18n;
  const [{ data, error, fetching }, refetch] = useQuery({ query: MeQuery, pause: route.name === 'setup' || route.name === 'signIn' });
  const code = errorCode(error);

  useEffect(() => {
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
  const nav = [
    { href: campaignId ? `/campaigns/${campaignId}` : '/', label: t('nav.wallChart'), active: route.name === 'wallChart' || route.name === 'home' },
    { href: campaignId ? `/people?campaign=${campaignId}` : '/people', label: t('nav.people'), active: route.name === 'people' || route.name === 'person' },
    { href: '/tasks', label: t('nav.tasks'), active: route.name === 'tasks' || route.name === 'taskBoard' },
    { href: '/me', label: t('nav.me'), active: route.name === 'me' },
  ];
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
            <ul>
              {nav.map((item) => (
                <li key={item.href}>
                  <Link href={item.href} aria-current={item.active ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <main id="main">
            <Connectivity />
            <Screen route={route} lang={props.lang} setLang={props.setLang} />
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

function Screen(props: { route: Route; lang: Lang; setLang: (lang: Lang) => void }) {
  const { route } = props;
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
    default:
      return <NotFound />;
  }
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
