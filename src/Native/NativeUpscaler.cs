using SeRanet.Video.Native.Interop;
using SeRanet.Video.Plugin.Planar;

namespace SeRanet.Video.Native;

/// <summary>
/// What a seranet_upscaler handle points to: the engine's <see cref="PlanarUpscaler"/> (which
/// serves calls one at a time, include/seranet.h "Threads") fed with views of the caller's planes.
/// </summary>
internal sealed class NativeUpscaler(PlanarUpscaler planes) : IDisposable
{
    public static NativeUpscaler Open(UpscalerSettings settings) =>
        new(PlanarUpscaler.Open(settings.Choice, settings.Batch));

    public (int Width, int Height) OutputSize(int width, int height)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentException($"The input size {width}x{height} is not a frame size.", nameof(width));
        }
        return planes.OutputSize(width, height);
    }

    public void Process(ReadOnlySpan<NativeFrame> inputs, ReadOnlySpan<NativeFrame> outputs)
    {
        var inputViews = new List<Core.Imaging.Planar.PlanarImage>(inputs.Length);
        var outputViews = new List<Core.Imaging.Planar.PlanarImage>(outputs.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            string suffix = inputs.Length == 1 ? "" : $"[{i}]";
            inputViews.Add(FrameView.Read(inputs[i], "input" + suffix));
            outputViews.Add(FrameView.Read(outputs[i], "output" + suffix));
        }
        planes.Upscale(inputViews, outputViews);
    }

    public void Dispose() => planes.Dispose();
}
