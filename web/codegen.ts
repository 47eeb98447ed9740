// Generates typed GraphQL operations (src/gql/) from the committed schema and the operations written in
// src/. `npm run codegen` rewrites them; `npm run check` fails when they are stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.ts', 'src/**/*.tsx', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', NaiveDate: 'string', Upload: 'File' },
        // The generated files are committed: no timestamps or machine paths in them.
        skipTypename: false,
      },
    },
  },
  hooks: {},
};

export default config;
