namespace SeRanet.Video.Core.Options;

/// <summary>
/// One option of a job has a value the job cannot take. The engine names the option by its
/// property (<c>TrainerOptions.SkipFlat</c>) and says what it must be, phrased to follow that
/// name; each shell puts its own name for the option in front (the CLI: its flag,
/// <c>CommandErrors.InCliWords</c>), so no engine message names a command-line flag.
/// </summary>
public sealed class InvalidOptionException : ArgumentException
{
    public InvalidOptionException()
    {
        Option = "";
        Requirement = "";
    }

    public InvalidOptionException(string message)
        : base(message)
    {
        Option = "";
        Requirement = message;
    }

    public InvalidOptionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Option = "";
        Requirement = message;
    }

    /// <param name="option">The option's record and property, such as <c>TrainerOptions.SkipFlat</c>.</param>
    /// <param name="requirement">What is wrong, to follow the option's name: "is a probability, between 0 and 1".</param>
    public InvalidOptionException(string option, string requirement, Exception? innerException = null)
        : base($"{option} {requirement}.", option, innerException)
    {
        Option = option;
        Requirement = requirement;
    }

    /// <summary>The option's record and property, such as <c>TrainerOptions.SkipFlat</c>; empty when not given.</summary>
    public string Option { get; }

    /// <summary>What is wrong with it, phrased to follow its name, without a final full stop.</summary>
    public string Requirement { get; }

    /// <summary>The option's name and what is wrong, without ArgumentException's parameter suffix.</summary>
    public override string Message => Option.Length == 0 ? Requirement : $"{Option} {Requirement}.";

    /// <summary>The name of <typeparamref name="TOptions"/>'s <paramref name="property"/> as this exception gives it.</summary>
    public static string NameOf<TOptions>(string property) => $"{typeof(TOptions).Name}.{property}";
}
