using NLua;

namespace OneGate.Tests.Gateway;

/// <summary>
/// Runs the Lua of a pre-function or post-function phase from kong.yml the way Kong's serverless plugins run it
/// (the chunk runs; when it returns a function, that function is the phase handler) in an environment holding
/// only what Kong's sandbox offers and stubs of the PDK calls the code makes, and records what it did. Kong is
/// not runnable here, so this is how its Lua is executed at all. Lua 5.4 (NLua), not Kong's LuaJIT: the code
/// uses nothing where the two differ.
/// </summary>
public sealed class KongFunctionRun : IDisposable
{
    public const string KongRequestId = "kong-request-id-1";

    private const string Prelude = """
        state = { request = {}, response = {}, cleared = {}, plugin_ctx = {}, body = "" }
        function set_request_header(name, value) state.request[string.lower(name)] = value end
        function set_response_header(name, value) state.response[string.lower(name)] = value end
        function response_header(name) return state.response[string.lower(name)] end
        function cleared_headers() return table.concat(state.cleared, ",") end
        local kong = {
          request = {
            get_header = function(name) return state.request[string.lower(name)] end,
            get_headers = function()
              local copy = {}
              for name, value in pairs(state.request) do copy[name] = value end
              return copy
            end,
          },
          service = { request = { clear_header = function(name) state.cleared[#state.cleared + 1] = string.lower(name) end } },
          response = {
            get_status = function() return state.status end,
            get_source = function() return state.source end,
            get_header = function(name) return state.response[string.lower(name)] end,
            set_header = function(name, value) state.response[string.lower(name)] = tostring(value) end,
            get_raw_body = function() return state.body end,
            set_raw_body = function(body) assert(type(body) == "string", "body must be a string") state.body = body end,
          },
          ctx = { plugin = state.plugin_ctx },
        }
        local ngx = { var = { kong_request_id = "KONG_REQUEST_ID" } }
        -- What Kong's sandbox (kong/tools/kong-lua-sandbox.lua) lets untrusted code use, plus kong and ngx.
        function run_phase(code)
          local env = {
            kong = kong, ngx = ngx, string = string, table = table, math = math, type = type, tostring = tostring,
            tonumber = tonumber, pairs = pairs, ipairs = ipairs, next = next, select = select, error = error,
            assert = assert, pcall = pcall,
          }
          local handler = assert(load(code, "=kong.yml", "t", env))()
          if type(handler) == "function" then handler() end
        end
        """;

    private readonly Lua lua = new();

    /// <param name="status">The response status the phase sees.</param>
    /// <param name="source">kong.response.get_source(): "service", "exit" (a plugin or the router refused) or "error".</param>
    /// <param name="body">The response body as the phase receives it.</param>
    public KongFunctionRun(int status = 200, string source = "service", string body = "")
    {
        lua.DoString(Prelude.Replace("KONG_REQUEST_ID", KongRequestId, StringComparison.Ordinal));
        lua.DoString(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"state.status = {status}"));
        var state = (LuaTable)lua["state"];
        state["source"] = source;
        state["body"] = body;
    }

    public string Body => (string)((LuaTable)lua["state"])["body"];

    /// <summary>Headers Kong would not send upstream (kong.service.request.clear_header), lower-cased.</summary>
    public IReadOnlyList<string> ClearedUpstreamHeaders =>
        ((string)lua.GetFunction("cleared_headers").Call()[0]).Split(',', StringSplitOptions.RemoveEmptyEntries);

    public KongFunctionRun WithRequestHeader(string name, string value)
    {
        lua.GetFunction("set_request_header").Call(name, value);
        return this;
    }

    public KongFunctionRun WithResponseHeader(string name, string value)
    {
        lua.GetFunction("set_response_header").Call(name, value);
        return this;
    }

    public string? ResponseHeader(string name) => lua.GetFunction("response_header").Call(name)[0] as string;

    /// <summary>Runs one phase's code; phases run in order share kong.ctx.plugin, as in Kong.</summary>
    public KongFunctionRun Run(IEnumerable<string> phaseCode)
    {
        foreach (var code in phaseCode)
        {
            lua.GetFunction("run_phase").Call(code);
        }

        return this;
    }

    public void Dispose() => lua.Dispose();
}
