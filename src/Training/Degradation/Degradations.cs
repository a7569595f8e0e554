namespace SeRanet.Video.Training.Degradation;

/// <summary>Degradations real video has, applied to the low-resolution input during training.</summary>
[Flags]
public enum Degradations
{
    None = 0,
    Jpeg = 1,
    H264 = 2,
    Noise = 4,
    Blur = 8,
}
