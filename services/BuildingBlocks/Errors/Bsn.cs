namespace Veiligthuis.BuildingBlocks.Errors;

/// <summary>The burgerservicenummer check (elfproef).</summary>
public static class Bsn
{
    public static string Normalise(string value) => value.Trim();

    /// <summary>Nine digits whose weighted sum (9..2, and -1 for the last digit) is divisible by 11.</summary>
    public static bool IsValid(string value)
    {
        if (value.Length != 9 || !value.All(char.IsAsciiDigit) || value == "000000000")
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (value[i] - '0') * (9 - i);
        }

        sum -= value[8] - '0';
        return sum % 11 == 0;
    }
}
