// A real OpenID Connect provider (panva's oidc-provider) for Groundwork's tests, on http://127.0.0.1:PORT.
//
// Configured by the environment:
//   OIDC_PORT           the port to listen on (0 or unset: any free port)
//   OIDC_CLIENT_ID      the one client's id
//   OIDC_CLIENT_SECRET  its secret (client_secret_basic at the token endpoint)
//   OIDC_REDIRECT_URI   its registered redirect URI
//
// Prints `listening http://127.0.0.1:PORT` on standard output once it accepts connections; that URL is the
// issuer. It runs in development mode (plain http on the loopback address), which is what oidc-provider's
// documentation allows for local testing; never use this script for anything else.
//
// There is no login form: the interaction route signs in whoever the query names, so a test drives the
// browser's part with a plain HTTP client. `GET /interaction/UID` (the provider's own redirect) answers
// 200 "who are you?"; `GET /interaction/UID?sub=…&email=…&email_verified=true|false&groups=a,b` signs
// that account in (the consent step is granted automatically); `?deny=1` makes the user refuse, which
// sends the client an `access_denied` error.

import { createServer } from 'node:http';
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: set ${name}`);
    process.exit(2);
  }
  return value;
}

const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUri = required('OIDC_REDIRECT_URI');
const port = Number(process.env.OIDC_PORT || 0);

// The accounts the interaction route has signed in, by subject.
const accounts = new Map();

// The key is generated as PEM text and exported as a JWK from a separate key object. Exporting the key object
// that generateKeyPairSync returns can deadlock Node 20: a garbage collection during the JWK export destroys
// the finished key-generation job, whose destructor waits for the lock the export holds (seen as a provider
// that never starts listening, its main thread in KeyGenJob::~KeyGenJob under ExportJWKRsaKey).
const { privateKey: signingPem } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const signingKey = {
  ...createPrivateKey(signingPem).export({ format: 'jwk' }),
  kid: randomUUID(),
  alg: 'RS256',
  use: 'sig',
};

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    // Scope claims go into the ID token itself, as many organisations' providers are set up to do.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });

  const handleProvider = provider.callback();

  async function interaction(req, res, url) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    if (url.searchParams.get('deny')) {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the user refused to sign in' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (prompt.name === 'login') {
      const sub = url.searchParams.get('sub');
      if (!sub) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('who are you? add ?sub=…&email=…&email_verified=…&groups=…');
        return;
      }
      const groups = url.searchParams.get('groups');
      accounts.set(sub, {
        email: url.searchParams.get('email') ?? undefined,
        email_verified: url.searchParams.get('email_verified') === 'true',
        name: `Test user ${sub}`,
        groups: groups ? groups.split(',') : [],
      });
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (prompt.name === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) {
        grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      }
      if (prompt.details.missingOIDCClaims) {
        grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      }
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`unexpected prompt ${prompt.name}`);
  }

  server.on('request', (req, res) => {
    const url = new URL(req.url, issuer);
    if (req.method === 'GET' && url.pathname.startsWith('/interaction/')) {
      interaction(req, res, url).catch((error) => {
        console.error(error);
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
      return;
    }
    handleProvider(req, res);
  });

  console.log(`listening ${issuer}`);
});
