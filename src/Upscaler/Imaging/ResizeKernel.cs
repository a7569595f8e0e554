namespace SeRanet.Video.Upscaler.Imaging;

/// <summary>Interpolation kernels for <see cref="Resampler"/>.</summary>
public enum ResizeKernel
{
    /// <summary>Keys cubic with a = -0.5, as MATLAB's imresize and PIL use.</summary>
    Bicubic,

    /// <summary>Windowed sinc with three lobes.</summary>
    Lanczos3,
}
