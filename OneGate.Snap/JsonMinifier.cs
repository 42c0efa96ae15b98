namespace OneGate.Snap;

/// <summary>
/// SNAP's <c>minify(body)</c>: drops whitespace outside strings and changes nothing else (key order, escapes and the
/// written form of numbers stay as sent), so both sides hash the same bytes whether or not the sender minified.
/// </summary>
public static class JsonMinifier
{
    public static byte[] Minify(ReadOnlySpan<byte> json)
    {
        var output = new byte[json.Length];
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                inString = escaped || b != (byte)'"';
                escaped = !escaped && b == (byte)'\\';
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }
            else
            {
                inString = b == (byte)'"';
            }

            output[length++] = b;
        }

        return output[..length];
    }
}
