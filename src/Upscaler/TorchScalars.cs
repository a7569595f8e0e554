using TorchSharp;

namespace SeRanet.Video.Upscaler;

/// <summary>
/// Scalars that live as long as the process. TorchSharp turns a double argument into a native
/// Scalar and passes only its handle on; nothing keeps the managed wrapper alive during the
/// native call, so under the garbage collection a video pipeline causes its finalizer can free
/// the Scalar mid-call ("Unknown scalar type", "toFloat: Expected false to be true"). Every
/// scalar our forward passes use is therefore one of these, or an explicitly scoped one.
/// TorchSharp also makes such scalars itself where an argument is left out: <c>add(tensor)</c> and
/// <c>add_(scalar)</c> pass an implicit <c>alpha: 1</c>, so every add here names <see cref="One"/>.
/// </summary>
public static class TorchScalars
{
    public static Scalar Zero { get; } = 0f.ToScalar();

    public static Scalar One { get; } = 1f.ToScalar();

    /// <summary>The seed's Leaky ReLU slope.</summary>
    public static Scalar LeakySlope { get; } = 0.1.ToScalar();
}
