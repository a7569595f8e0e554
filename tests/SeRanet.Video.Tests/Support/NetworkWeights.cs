using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Support;

/// <summary>A small network's parameters as plain numbers, and copied from another of its shape.</summary>
public static class NetworkWeights
{
    /// <summary>Every parameter's values, in order, each in its logical (not storage) order.</summary>
    public static float[] Flatten(nn.Module<Tensor, Tensor> network)
    {
        using var scope = torch.NewDisposeScope();
        return network.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();
    }

    /// <summary>Overwrites <paramref name="target"/>'s parameters with <paramref name="source"/>'s.</summary>
    public static void Copy(nn.Module<Tensor, Tensor> source, nn.Module<Tensor, Tensor> target)
    {
        using var noGrad = torch.no_grad();
        foreach (var (to, from) in target.parameters().Zip(source.parameters()))
        {
            to.copy_(from);
        }
    }
}
