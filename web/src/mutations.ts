// The person changes that also work offline (see outbox.ts): one document each, shared by the person page
// and the outbox that sends them once the phone is back online.
import { graphql } from './gql';

export const AssessDoc = graphql(`
  mutation Assess($input: AssessPersonInput!, $expectedVersion: Int, $idempotencyKey: String) {
    assessPerson(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      replayed
      person {
        ...PersonDetail
      }
    }
  }
`);

export const LogOneOnOneDoc = graphql(`
  mutation LogOneOnOne($input: LogOneOnOneInput!, $expectedVersion: Int, $idempotencyKey: String) {
    logOneOnOne(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      replayed
      person {
        ...PersonDetail
      }
    }
  }
`);

export const AddNoteDoc = graphql(`
  mutation AddNote($input: AddNoteInput!, $expectedVersion: Int, $idempotencyKey: String) {
    addNote(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      replayed
      person {
        ...PersonDetail
      }
    }
  }
`);
