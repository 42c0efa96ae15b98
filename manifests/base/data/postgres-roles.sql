-- Least-privilege roles of the onegate database (docs/operations.md, "Least privilege").
-- Run as the bootstrap superuser, in the onegate database, before the services start: by the AppHost's Postgres
-- readiness check (Local and Containers mode) and by the postgres-roles Job (manifests). Idempotent: it runs at
-- every start and also re-applies passwords, so rotating one is "change the secret, run this again".
--
-- Passwords never appear in this text: the caller sets them as session settings first,
--   SELECT set_config('onegate.password_<role>', '<password>', false);
-- for every login role below. A missing one fails the script (current_setting without missing_ok).
--
-- Per service: a schema (auth, payment, transaction) owned by <service>_migrator, the only place it may create
-- anything (it runs the migrations, so only it can ALTER or DROP the service's objects); <service> is the running
-- service's login, with DML only on what its migrator creates (default privileges, so tables added by later
-- migrations are covered without editing this file). Nobody may create in public. Each login's search_path is its
-- own schema alone, so no other migrator can put a function or table in front of what its SQL names.
-- onegate_ledger_reader is granted USAGE on schema payment and SELECT on payment.historical_transactions by
-- Payment's own migrations (the owner decides who reads its ledger); Transaction's login is its only member and
-- names the ledger schema-qualified. onegate_backup reads everything.

DO $roles$
DECLARE
  login text;
BEGIN
  FOREACH login IN ARRAY ARRAY[
    'onegate_auth', 'onegate_auth_migrator',
    'onegate_payment', 'onegate_payment_migrator',
    'onegate_transaction', 'onegate_transaction_migrator',
    'onegate_backup']
  LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = login) THEN
      EXECUTE format('CREATE ROLE %I', login);
    END IF;
    -- EXECUTE'd statements are not written by log_statement, so the password stays out of the server log.
    EXECUTE format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L',
      login, current_setting('onegate.password_' || login));
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), login);
  END LOOP;

  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'onegate_ledger_reader') THEN
    CREATE ROLE onegate_ledger_reader NOLOGIN;
  END IF;

  -- Only the listed roles may connect (PUBLIC gets CONNECT on a new database by default).
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$roles$;

-- Nobody creates objects in public (PUBLIC lost CREATE in PostgreSQL 15; older clusters and restored dumps may still
-- grant it, and this script's earlier versions granted it to the migrators). Only what a superuser puts there can
-- be in it, and it is in no service's search_path.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM onegate_auth_migrator, onegate_payment_migrator, onegate_transaction_migrator;

-- A schema per service, owned by its migrator; its login may look in it, and nobody else (the ledger reader's USAGE
-- on payment is Payment's grant). Whatever a migrator creates there: DML for its service's login, nothing for
-- anyone else. Each login, and its migrator, searches its own schema only.
DO $schemas$
DECLARE
  app text;
BEGIN
  FOREACH app IN ARRAY ARRAY['auth', 'payment', 'transaction'] LOOP
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', app, 'onegate_' || app || '_migrator');
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', app, 'onegate_' || app || '_migrator');
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', app, 'onegate_' || app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
      'onegate_' || app || '_migrator', app, 'onegate_' || app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I',
      'onegate_' || app || '_migrator', app, 'onegate_' || app);
    -- The defaults of this script's earlier versions, for the shared schema.
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public REVOKE ALL ON TABLES FROM %I',
      'onegate_' || app || '_migrator', 'onegate_' || app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %I',
      'onegate_' || app || '_migrator', 'onegate_' || app);
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', 'onegate_' || app, current_database(), app);
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', 'onegate_' || app || '_migrator', current_database(), app);
  END LOOP;
END
$schemas$;

GRANT onegate_ledger_reader TO onegate_transaction;
-- pg_dump needs SELECT on every table and sequence, whoever owns them, and nothing else.
GRANT pg_read_all_data TO onegate_backup;

-- Databases created before these roles existed: their objects belong to the bootstrap superuser, in public. Hand each
-- one to its service's migrator (a fixed list on purpose: it only ever names objects that predate the roles; every
-- later object is created by a migrator and owned by it from the start). Then give each login what the default
-- privileges give it on new objects. The service's ServiceSchemas migration moves them into its schema.
DO $adopt$
DECLARE
  item record;
BEGIN
  FOR item IN
    SELECT o.name, o.kind, o.migrator
      FROM (VALUES
        ('__ef_migrations_auth', 'TABLE', 'onegate_auth_migrator'),
        ('users', 'TABLE', 'onegate_auth_migrator'),
        ('authentications', 'TABLE', 'onegate_auth_migrator'),
        ('auth_outbox_messages', 'TABLE', 'onegate_auth_migrator'),
        ('users_version', 'FUNCTION', 'onegate_auth_migrator'),
        ('users_outbox_event', 'FUNCTION', 'onegate_auth_migrator'),
        ('__ef_migrations_payment', 'TABLE', 'onegate_payment_migrator'),
        ('accounts', 'TABLE', 'onegate_payment_migrator'),
        ('historical_transactions', 'TABLE', 'onegate_payment_migrator'),
        ('outbox_messages', 'TABLE', 'onegate_payment_migrator'),
        ('idempotency_keys', 'TABLE', 'onegate_payment_migrator'),
        ('top_up_charges', 'TABLE', 'onegate_payment_migrator'),
        ('top_up_refunds', 'TABLE', 'onegate_payment_migrator'),
        ('account_status', 'TYPE', 'onegate_payment_migrator'),
        ('payment_method', 'TYPE', 'onegate_payment_migrator'),
        ('transaction_direction', 'TYPE', 'onegate_payment_migrator'),
        ('transaction_status', 'TYPE', 'onegate_payment_migrator'),
        ('transaction_type', 'TYPE', 'onegate_payment_migrator'),
        ('__ef_migrations_transaction', 'TABLE', 'onegate_transaction_migrator'),
        ('external_services', 'TABLE', 'onegate_transaction_migrator'),
        ('api_keys', 'TABLE', 'onegate_transaction_migrator'),
        ('api_access_logs', 'TABLE', 'onegate_transaction_migrator'),
        ('processed_events', 'TABLE', 'onegate_transaction_migrator'),
        ('report_transactions', 'TABLE', 'onegate_transaction_migrator'),
        ('daily_report_totals', 'TABLE', 'onegate_transaction_migrator'),
        ('dead_letter_events', 'TABLE', 'onegate_transaction_migrator'),
        ('masked_users', 'TABLE', 'onegate_transaction_migrator'),
        ('api_permission', 'TYPE', 'onegate_transaction_migrator'),
        ('rate_limit_unit', 'TYPE', 'onegate_transaction_migrator')) AS o(name, kind, migrator)
     WHERE (o.kind = 'TABLE' AND EXISTS (
             SELECT FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
              WHERE c.relnamespace = 'public'::regnamespace AND c.relname = o.name AND r.rolsuper))
        OR (o.kind = 'TYPE' AND EXISTS (
             SELECT FROM pg_type t JOIN pg_roles r ON r.oid = t.typowner
              WHERE t.typnamespace = 'public'::regnamespace AND t.typname = o.name AND r.rolsuper))
        OR (o.kind = 'FUNCTION' AND EXISTS (
             SELECT FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname = o.name AND r.rolsuper))
  LOOP
    -- A table's owned sequences (identity columns) follow it. The functions are trigger functions (no arguments).
    EXECUTE format('ALTER %s public.%I%s OWNER TO %I', item.kind, item.name,
      CASE item.kind WHEN 'FUNCTION' THEN '()' ELSE '' END, item.migrator);
  END LOOP;

  -- What each migrator owns, its service's login may use (what the default privileges give new objects).
  FOR item IN
    SELECT c.relname AS name, c.relkind AS kind, replace(r.rolname, '_migrator', '') AS app
      FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S')
       AND r.rolname IN ('onegate_auth_migrator', 'onegate_payment_migrator', 'onegate_transaction_migrator')
  LOOP
    IF item.kind = 'S' THEN
      EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE public.%I TO %I', item.name, item.app);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO %I', item.name, item.app);
    END IF;
  END LOOP;
END
$adopt$;

-- Append-only tables (docs/backoffice.md): the grants above give their service UPDATE and DELETE again at every
-- start, so take them back here. Auth's migration revokes them too, for the first start, when the table is new.
DO $append_only$
BEGIN
  IF to_regclass('auth.audit_events') IS NOT NULL THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON auth.audit_events FROM onegate_auth;
  END IF;
  IF to_regclass('payment.audit_events') IS NOT NULL THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON payment.audit_events FROM onegate_payment;
  END IF;
  IF to_regclass('transaction.audit_events') IS NOT NULL THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON transaction.audit_events FROM onegate_transaction;
  END IF;
  -- A database upgraded from the shared-schema layout before Auth's ServiceSchemas migration has run.
  IF to_regclass('public.audit_events') IS NOT NULL THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_events FROM onegate_auth;
  END IF;
END
$append_only$;
