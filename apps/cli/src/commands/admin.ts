/** Commands that act on the database directly (operators), and `login` against a server. */
import type { Command } from 'commander';
import { loadConfig, type Config } from '@todo/config';
import { SignUp, TokenCreate } from '@todo/domain';
import { createServices, uuidV7Ids } from '@todo/services';
import { Store } from '@todo/storage';
import { systemClock } from '@todo/domain';
import { ApiClient, resolveCredentials, saveCredentials } from '../client.js';
import { callControl, serverHolds } from '../control-socket.js';
import { jwtSecretFor, openDatabase, type DataDirUse } from '../data-dir.js';
import { createLogger } from '../runtime.js';

type Out = (line: string) => void;

/** What to do instead when a server holds the data folder: never a write it would not see. */
const USER_CREATE: DataDirUse = {
  command: 'user create',
  whenBusy:
    'stop the server, run this command again, then start the server — or, if the server sends mail (SMTP_URL), sign up through it (web UI or POST /api/auth/signup)',
};
const TOKEN_CREATE: DataDirUse = {
  command: 'token create',
  whenBusy:
    'create the token through the running server instead: `todo login --email …` then `todo token create --name …` without --email',
};
const MIGRATE: DataDirUse = {
  command: 'migrate',
  whenBusy: 'the running server applied the migrations when it started; nothing to do',
};

async function withServices<T>(
  config: Readonly<Config>,
  use: DataDirUse,
  work: (s: ReturnType<typeof createServices>) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config, createLogger({ ...config, logLevel: 'warn' }), use);
  try {
    const store = new Store(database.db);
    return await work(
      createServices(
        { store, clock: systemClock, ids: uuidV7Ids, eventSource: 'todo-app/cli' },
        { jwtSecret: jwtSecretFor(config) },
      ),
    );
  } finally {
    await database.close();
  }
}

export function registerAdminCommands(program: Command, out: Out): void {
  program
    .command('migrate')
    .description('Apply database migrations (the embedded server, or DATABASE_URL)')
    .action(async () => {
      const config = loadConfig(process.env);
      out(`migrating ${config.databaseUrl ? 'the database at DATABASE_URL' : `the embedded database in ${config.dataDir}`} …`);
      const database = await openDatabase(config, createLogger({ ...config, logLevel: 'warn' }), MIGRATE);
      await database.close();
      out('migrations applied');
    });

  const user = program.command('user').description('Manage accounts (direct database access)');
  user
    .command('create')
    .requiredOption('--email <email>')
    .requiredOption('--password <password>', 'at least 10 characters (or set TODO_PASSWORD)')
    .option('--name <name>')
    .option('--time-zone <iana>', 'e.g. Europe/Berlin')
    .option('--admin', 'may read dead letters')
    .action(async (opts) => {
      const input = SignUp.parse({ email: opts.email, password: opts.password, name: opts.name, timeZone: opts.timeZone });
      const config = loadConfig(process.env);
      const user = serverHolds(config)
        ? (JSON.parse(
            (await callControl(config.dataDir, '/users', { ...input, admin: Boolean(opts.admin) })).toString('utf8'),
          ) as { id: string; email: string; isAdmin: boolean })
        : (await withServices(config, USER_CREATE, (s) => s.auth.signUp(input, { admin: Boolean(opts.admin) }))).user;
      out(`created user ${user.email} (${user.id})${user.isAdmin ? ' [admin]' : ''}`);
    });

  const token = program.command('token').description('Manage API tokens');
  token
    .command('create')
    .description('Create an API token: with --email directly in the database, else through the server as the logged-in user')
    .requiredOption('--name <name>', 'what the token is for, e.g. "Claude Desktop"')
    .option('--email <email>', 'owner (direct database access)')
    .option('--password <password>', "the owner's password, with --email")
    .option('--read-only', 'only the read scope')
    .option('--expires <iso>', 'expiry instant, e.g. 2027-01-01T00:00:00Z')
    .action(async (opts, cmd: Command) => {
      const input = TokenCreate.parse({
        name: opts.name,
        scopes: opts.readOnly ? ['read'] : ['read', 'write'],
        expiresAt: opts.expires ?? null,
      });
      let created: { token: { id: string; scopes: string[] }; secret: string };
      if (opts.email) {
        if (!opts.password) throw new Error('--email needs --password to prove ownership');
        created = await withServices(loadConfig(process.env), TOKEN_CREATE, async (s) => {
          const session = await s.auth.logIn({ email: opts.email, password: opts.password });
          const principal = { userId: session.user.id, scopes: ['read', 'write'] as const, via: 'session' as const };
          return s.tokens.create(principal, input);
        });
      } else {
        const creds = resolveCredentials(process.env, cmd.optsWithGlobals());
        created = await new ApiClient(creds.server!, creds.token).request('POST', '/api/tokens', input);
      }
      out(`token ${created.token.id} (${created.token.scopes.join(',')}) — copy it now, it is not shown again:`);
      out(created.secret);
    });

  program
    .command('login')
    .description('Log in to a server and remember the session for later commands')
    .requiredOption('--email <email>')
    .requiredOption('--password <password>')
    .action(async (opts, cmd: Command) => {
      const creds = resolveCredentials(process.env, cmd.optsWithGlobals());
      const reply = await new ApiClient(creds.server!, undefined).request<{ token: string; user: { email: string } }>(
        'POST',
        '/api/auth/login',
        {
          email: opts.email,
          password: opts.password,
        },
      );
      const file = saveCredentials(process.env, { server: creds.server!, token: reply.token });
      out(`logged in as ${reply.user.email}; session saved to ${file}`);
    });
}
