using System.Text.RegularExpressions;
using k8s.Models;

namespace OneGate.Tests.Deployment;

/// <summary>
/// In every overlay no service and no gateway holds an admin login: each connects with its own Postgres roles and
/// Redis user, whose passwords the postgres-roles Job and Redis get from the same Secret keys
/// (docs/operations.md, "Least privilege").
/// </summary>
public sealed partial class LeastPrivilegeManifestTests
{
    private static readonly string[] Services = ["auth", "payment", "transaction"];

    public static TheoryData<string> AllOverlays => new() { "dev", "staging", "production" };

    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Each_service_connects_as_itself_with_its_own_secret(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        foreach (var service in Services)
        {
            var env = rendered.EnvironmentOf(rendered.PodOf(service).Spec.Containers.Single());
            Assert.Contains($"Username=onegate_{service};Password=secret:{service}-credentials/postgres-password;", env["ConnectionStrings__onegate"], StringComparison.Ordinal);
            Assert.Equal($"redis:6379,user=onegate-{service},password=secret:{service}-credentials/redis-password", env["ConnectionStrings__redis"]);
            // The admin Secrets, directly or inside a connection string; nor the migrator's (only its migrate Job has it).
            Assert.DoesNotContain(env.Values, v => v.Contains("secret:postgres-credentials/", StringComparison.Ordinal)
                || v.Contains("secret:redis-credentials/", StringComparison.Ordinal)
                || v.Contains("postgres-migrator-password", StringComparison.Ordinal) || v.Contains("_migrator", StringComparison.Ordinal));

            var migrate = rendered.EnvironmentOf(rendered.Get<V1Job>($"{service}-migrate").Spec.Template.Spec.Containers.Single());
            Assert.Contains($"Username=onegate_{service}_migrator;Password=secret:{service}-credentials/postgres-migrator-password;",
                migrate["ConnectionStrings__onegate-migrator"], StringComparison.Ordinal);
            Assert.DoesNotContain("ConnectionStrings__onegate", migrate.Keys);
        }
    }

    /// <summary>Each service's migrate Job runs the service's own image with the migrate command.</summary>
    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void Each_services_migrations_run_in_a_job_of_its_own_image(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        foreach (var service in Services)
        {
            var job = rendered.Get<V1Job>($"{service}-migrate").Spec.Template.Spec;
            var container = job.Containers.Single();
            Assert.Equal(rendered.PodOf(service).Spec.Containers.Single().Image, container.Image);
            Assert.Equal(["migrate"], container.Args);
            Assert.Equal($"{service}-migrate", job.ServiceAccountName);
        }
    }

    [Fact]
    public void The_roles_job_sets_the_password_of_every_login_the_script_creates_from_the_secrets_the_services_use()
    {
        var rendered = RenderedManifests.Of("base");
        var job = rendered.Get<V1Job>("postgres-roles").Spec.Template.Spec.Containers.Single();
        var env = rendered.EnvironmentOf(job);
        var script = string.Join('\n', job.Args);
        var sql = rendered.ConfigMap("postgres-roles").Data["postgres-roles.sql"];

        var logins = LoginRoles().Matches(sql[..sql.IndexOf("LOOP", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(7, logins.Count);
        foreach (var login in logins)
        {
            var setting = SettingOf().Match(script[script.IndexOf($"onegate.password_{login}=", StringComparison.Ordinal)..]);
            Assert.True(setting.Success, $"the Job does not set onegate.password_{login}");
            var secret = env[setting.Groups[1].Value];
            var expected = login switch
            {
                "onegate_backup" => "secret:postgres-backup-credentials/password",
                _ when login.EndsWith("_migrator", StringComparison.Ordinal) => $"secret:{login[8..^9]}-credentials/postgres-migrator-password",
                _ => $"secret:{login[8..]}-credentials/postgres-password",
            };
            Assert.Equal(expected, secret);
        }

        Assert.Equal("secret:postgres-backup-credentials/password",
            rendered.EnvironmentOf(rendered.PodOf("postgres-backup").Spec.Containers.Single())["PGPASSWORD"]);
    }

    [Fact]
    public void Redis_creates_every_acl_user_with_the_password_its_client_uses()
    {
        var rendered = RenderedManifests.Of("base");
        var redis = rendered.EnvironmentOf(rendered.PodOf("redis").Spec.Containers.Single());
        var users = rendered.ConfigMap("redis-acl").Data["redis-users.acl"].Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ')[0]).ToList();

        Assert.Equal(["onegate-auth", "onegate-payment", "onegate-transaction", "onegate-kong", "onegate-backoffice"], users);
        foreach (var service in Services)
        {
            Assert.Equal($"secret:{service}-credentials/redis-password", redis[$"REDIS_PASSWORD_ONEGATE_{service.ToUpperInvariant()}"]);
        }

        Assert.Equal("secret:kong-redis-credentials/password", redis["REDIS_PASSWORD_ONEGATE_KONG"]);
        Assert.Equal("secret:backoffice-credentials/redis-password", redis["REDIS_PASSWORD_ONEGATE_BACKOFFICE"]);
    }

    /// <summary>The console has no database and no migrations: only its own Redis user, for its Data Protection keys.</summary>
    [Theory]
    [MemberData(nameof(AllOverlays))]
    public void The_console_has_no_database_login_and_its_own_redis_user(string overlay)
    {
        var rendered = RenderedManifests.Overlay(overlay);
        var env = rendered.EnvironmentOf(rendered.PodOf("backoffice").Spec.Containers.Single());

        Assert.Equal("redis:6379,user=onegate-backoffice,password=secret:backoffice-credentials/redis-password", env["ConnectionStrings__redis"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("ConnectionStrings__onegate", StringComparison.Ordinal) || k.StartsWith("POSTGRES", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered.All<V1Job>(), j => j.Metadata.Name == "backoffice-migrate");
        var acl = rendered.ConfigMap("redis-acl").Data["redis-users.acl"].Split('\n').Single(l => l.StartsWith("onegate-backoffice ", StringComparison.Ordinal));
        Assert.EndsWith(" ~onegate:backoffice:*", acl, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"'(onegate_[a-z_]+)'")]
    private static partial Regex LoginRoles();

    [GeneratedRegex(@"=\$([A-Z_]+)")]
    private static partial Regex SettingOf();
}
