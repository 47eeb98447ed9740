// The chapter's members (whom work can be assigned to), read once per screen for the pickers and for naming
// who did what. Only organizers, leads and admins may list them; for others the list is empty and names
// fall back to "someone".
import { useQuery } from '@urql/preact';
import { graphql } from './gql';
import { useSession, type Session } from './session';

const MembersDoc = graphql(`
  query Members {
    members {
      userId
      email
      role
      disabled
    }
  }
`);

export interface MemberEntry {
  userId: string;
  email: string;
  role: string;
  disabled: boolean;
}

export const mayListMembers = (session: Session): boolean =>
  session.role === 'ORGANIZER' || session.role === 'LEAD' || session.role === 'ADMIN';

/// The members, and a function naming one by id (their email address; undefined when unknown).
export function useMembers(): { members: MemberEntry[]; nameOf: (id: string | null | undefined) => string | undefined } {
  const session = useSession();
  const [{ data }] = useQuery({ query: MembersDoc, pause: !mayListMembers(session) });
  const members = data?.members ?? [];
  const byId = new Map(members.map((member) => [member.userId, member.email]));
  return { members, nameOf: (id) => (id ? byId.get(id) : undefined) };
}

/// Members who can be given people or tasks (not disabled accounts).
export const assignable = (members: MemberEntry[]): MemberEntry[] =>
  members.filter((member) => !member.disabled && member.role !== 'ANALYST');
