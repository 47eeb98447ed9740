// Who is signed in and in which campaigns, for every screen below the chrome.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Route } from './router';

export interface Session {
  userId: string;
  chapterId: string;
  role: 'ACTIVIST' | 'ORGANIZER' | 'ANALYST' | 'LEAD' | 'ADMIN';
  /// Whether the person holds the export grant (CSV of people).
  canExport?: boolean;
  campaigns: { id: string; name: string }[];
}

export const Session = createContext<Session>({ userId: '', chapterId: '', role: 'ACTIVIST', campaigns: [] });
export const useSession = (): Session => useContext(Session);

const CAMPAIGN_KEY = 'groundwork.campaign';

/// The campaign the person works in: the one in the address, else the last one opened, else the first.
export function currentCampaign(session: Session, route: Route): string | null {
  let chosen: string | null = null;
  if (route.name === 'wallChart' || route.name === 'structureTests') chosen = route.campaignId;
  else if (route.name === 'people' && route.campaignId) chosen = route.campaignId;
  else if (route.name === 'adminCampaign' || route.name === 'adminImport') chosen = route.campaignId;
  if (chosen) {
    try {
      sessionStorage.setItem(CAMPAIGN_KEY, chosen);
    } catch {
      /* not kept */
    }
    return chosen;
  }
  try {
    const kept = sessionStorage.getItem(CAMPAIGN_KEY);
    if (kept && session.campaigns.some((c) => c.id === kept)) return kept;
  } catch {
    /* storage unavailable */
  }
  return session.campaigns[0]?.id ?? null;
}

/// Whether the role plans the campaign's work (task board, structure tests).
export const isLead = (session: Session): boolean => session.role === 'LEAD' || session.role === 'ADMIN';

/// Whether the role may change people (assess, log 1:1s, add notes).
export const canWrite = (session: Session): boolean => session.role !== 'ANALYST';
/// Whether the role may assess (activists log 1:1s and notes but do not assess).
export const canAssess = (session: Session): boolean =>
  session.role === 'ORGANIZER' || session.role === 'LEAD' || session.role === 'ADMIN';
