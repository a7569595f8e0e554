using System.Runtime.InteropServices;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Native.Interop;
using SeRanet.Video.Plugin.Planar;

namespace SeRanet.Video.Native;

/// <summary>
/// What a seranet_upscaler handle points to: the engine's <see cref="PlanarUpscaler"/> (which
/// serves calls one at a time, include/seranet.h "Threads") fed with views of the caller's planes,
/// or, for float frames, with 16-bit codes converted on the way in and out (<see cref="FloatFrame"/>).
/// </summary>
internal sealed unsafe class NativeUpscaler : IDisposable
{
    private readonly PlanarUpscaler planes;
    private byte* _warnings;

    private NativeUpscaler(PlanarUpscaler planes)
    {
        this.planes = planes;
        _warnings = Utf8Text.Allocate(string.Join('\n', planes.Warnings));
    }

    public static NativeUpscaler Open(UpscalerSettings settings)
    {
        var planes = PlanarUpscaler.Open(settings.Choice, settings.Batch);
        try
        {
            return new NativeUpscaler(planes);
        }
        catch
        {
            planes.Dispose();
            throw;
        }
    }

    /// <summary>seranet_warnings: the engine's warnings a line each, "" when none; owned by this upscaler.</summary>
    public byte* Warnings => _warnings;

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
        var inputViews = new List<PlanarImage>(inputs.Length);
        var outputViews = new List<PlanarImage>(outputs.Length);
        var floatOutputs = new List<FloatFrame>();
        for (int i = 0; i < inputs.Length; i++)
        {
            string suffix = inputs.Length == 1 ? "" : $"[{i}]";
            if (FrameView.IsFloat(inputs[i]) != FrameView.IsFloat(outputs[i]))
            {
                throw new ArgumentException($"input{suffix}.bits is {inputs[i].Bits} and output{suffix}.bits {outputs[i].Bits}; both must be float (32) or both integer.", nameof(outputs));
            }
            if (FrameView.IsFloat(inputs[i]))
            {
                inputViews.Add(FloatFrame.Read(inputs[i], "input" + suffix, fill: true).Codes);
                var output = FloatFrame.Read(outputs[i], "output" + suffix, fill: false);
                floatOutputs.Add(output);
                outputViews.Add(output.Codes);
            }
            else
            {
                inputViews.Add(FrameView.Read(inputs[i], "input" + suffix));
                outputViews.Add(FrameView.Read(outputs[i], "output" + suffix));
            }
        }
        planes.Upscale(inputViews, outputViews);
        foreach (var output in floatOutputs)
        {
            output.WriteBack();
        }
    }

    public void Dispose()
    {
        try
        {
            planes.Dispose();
        }
        finally
        {
            NativeMemory.Free(_warnings);
            _warnings = null;
        }
    }
}
