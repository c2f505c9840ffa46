// Feature-wise linear modulation: "FiLM: Visual Reasoning with a General Conditioning Layer" (Perez et
// al., AAAI 2018), as guided-diffusion ("Diffusion Models Beat GANs on Image Synthesis", Dhariwal &
// Nichol, NeurIPS 2021) conditions its normalisations on the timestep.
import MedadNN
import MedadTensor

enum FiLM {
    /// h [B, C, ...] · (1 + scale) + shift, where (scale, shift) [B, C] each are the two halves of
    /// `film(conditioning)` [B, 2C].
    static func modulated(_ h: Tensor, by film: Linear, _ conditioning: Tensor) -> Tensor {
        let channels = h.shape[1]
        let halves = film(conditioning).split(sizes: [channels, channels], axis: 1)
        let shape = [h.shape[0], channels] + Array(repeating: 1, count: h.rank - 2)
        return h * (halves[0].reshaped(shape) + 1) + halves[1].reshaped(shape)
    }
}
