// A small client-side router on the History API: the server answers every app path with index.html, and
// the app reads the path. Routes carry ids only, never names or anything personal. The server answers
// other first segments with 404 (api/src/web.rs, CLIENT_ROUTES): a new screen's segment goes there too.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'signIn' }
  | { name: 'wallChart'; campaignId: string; asOf: string | null }
  | { name: 'person'; personId: string }
  | { name: 'people'; campaignId: string | null }
  | { name: 'tasks' }
  | { name: 'taskBoard' }
  | { name: 'structureTests'; campaignId: string }
  | { name: 'me' }
  | { name: 'setup'; token: string }
  | { name: 'invitation'; code: string }
  | { name: 'admin' }
  | { name: 'adminUsers' }
  | { name: 'adminUser'; userId: string }
  | { name: 'adminAccessLog'; page: number }
  | { name: 'adminTokens' }
  | { name: 'adminCampaign'; campaignId: string }
  | { name: 'adminImport'; campaignId: string }
  | { name: 'notFound' };

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'home' };
  const [first, second] = parts;
  switch (first) {
    case 'sign-in':
      return { name: 'signIn' };
    case 'campaigns':
      if (second && parts.length === 2) {
        const asOf = params.get('asOf');
        return { name: 'wallChart', campaignId: second, asOf: asOf && /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : null };
      }
      if (second && parts.length === 3 && parts[2] === 'tests') return { name: 'structureTests', campaignId: second };
      break;
    case 'people':
      if (second && parts.length === 2) return { name: 'person', personId: second };
      if (parts.length === 1) return { name: 'people', campaignId: params.get('campaign') };
      break;
    case 'tasks':
      if (second === 'board' && parts.length === 2) return { name: 'taskBoard' };
      return { name: 'tasks' };
    case 'me':
      return { name: 'me' };
    case 'invitation':
      if (parts.length === 1) return { name: 'invitation', code: params.get('code') ?? '' };
      break;
    case 'setup':
      if (second && parts.length === 2) return { name: 'setup', token: second };
      break;
    case 'admin': {
      const third = parts[2];
      if (parts.length === 1) return { name: 'admin' };
      if (second === 'users' && parts.length === 2) return { name: 'adminUsers' };
      if (second === 'users' && third && parts.length === 3) return { name: 'adminUser', userId: third };
      if (second === 'access-log' && parts.length === 2) {
        const page = Number(params.get('page') ?? '1');
        return { name: 'adminAccessLog', page: Number.isInteger(page) && page > 0 ? page : 1 };
      }
      if (second === 'tokens' && parts.length === 2) return { name: 'adminTokens' };
      if (second === 'campaigns' && third && parts.length === 3) return { name: 'adminCampaign', campaignId: third };
      if (second === 'campaigns' && third && parts.length === 4 && parts[3] === 'import') return { name: 'adminImport', campaignId: third };
      break;
    }
  }
  return { name: 'notFound' };
}

const listeners = new Set<() => void>();

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((listener) => listener());
}

export function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/// Follows a same-origin link without reloading the page (ctrl/cmd-click still opens a new tab).
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = anchor.getAttribute('href');
  if (!href || !href.startsWith('/')) return;
  event.preventDefault();
  navigate(href);
}
