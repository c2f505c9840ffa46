import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo
import Testing

/// Every backbone's pyramid and output shapes, its size against the others, and the refusal of
/// single-scale checkpoints.
@Suite struct ZooShapeTests {
    @Test(arguments: Backbone.all(dims: 2))
    func pyramidAndMapsHaveTheDeclaredShapes(backbone: Backbone) {
        var rng = SeededRandom(seed: 2)
        let model = EncoderDecoder(backbone: backbone, outChannels: 2, rng: &rng)
        let images = Tensor.randn([2, 1, 32, 24], rng: &rng)
        let pyramid = withNoGrad { model.encoder.features(images) }
        #expect(pyramid.map(\.stride) == [2, 4, 8])
        #expect(pyramid.map(\.tensor.shape) == [[2, 32, 16, 12], [2, 64, 8, 6], [2, 192, 4, 3]])
        #expect(model.encoder.levels == pyramid.map { FeatureLevel(stride: $0.stride, channels: $0.channels) })
        #expect(withNoGrad { model(images) }.shape == [2, 2, 32, 24])
    }

    /// The volumetric backbones on unequal sides: the 3D stem is half as wide, cnn3d-s's body 120 wide.
    @Test(arguments: Backbone.all(dims: 3))
    func volumetricPyramidAndMapsHaveTheDeclaredShapes(backbone: Backbone) {
        var rng = SeededRandom(seed: 2)
        let model = EncoderDecoder(backbone: backbone, outChannels: 2, rng: &rng)
        let volumes = Tensor.randn([1, 1, 16, 24, 8], rng: &rng)
        let pyramid = withNoGrad { model.encoder.features(volumes) }
        let width = backbone == .cnn3dS ? 120 : 192
        #expect(pyramid.map(\.tensor.shape) == [[1, 16, 8, 12, 4], [1, 32, 4, 6, 2], [1, width, 2, 3, 1]])
        #expect(model.encoder.levels == pyramid.map { FeatureLevel(stride: $0.stride, channels: $0.channels) })
        #expect(withNoGrad { model(volumes) }.shape == [1, 2, 16, 24, 8])
    }

    /// Whole networks within ±15% of each other in each dimensionality, so that a table compares token
    /// mixers, not sizes.
    @Test func wholeNetworksAreMatchedInSize() throws {
        let costs = try ModelCost.zoo(size: 64, patch: 16)
        #expect(costs.map(\.parameters) == [1_369_921, 1_412_353, 1_429_633, 1_412_353, 1_412_353, 1_412_929, 1_424_449, 1_412_353, 1_447_873, 1_431_361, 1_328_257, 1_483_249, 1_432_897, 1_449_025])
        for dims in [2, 3] {
            let counts = costs.filter { $0.dims == dims }.map(\.parameters)
            #expect(Double(counts.max()!) / Double(counts.min()!) <= 1.15)
        }
        #expect(costs.map(\.side) == [64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 16, 16, 16])
    }

    /// mamba-s scans cross4 unless asked for bi (mamba3d-s scans bi). cross4 keeps four directions'
    /// scan parameters a block, so its body has 3 blocks, not 4: with 4 it would be 1,671,169
    /// parameters, 22% above cnn-s; bi's 4 blocks stay matched too.
    @Test func mambaSScansCross4ByDefaultAndBothScansAreMatchedInSize() {
        #expect(Backbone.mambaS.defaults.mambaScan == .cross4 && Backbone.mamba3dS.defaults.mambaScan == .bi)
        var rng = SeededRandom(seed: 0)
        let model = EncoderDecoder(backbone: .mambaS, rng: &rng)
        let count = model.parameterCount
        #expect(count == 1_328_257)
        #expect(model.namedParameters().contains { $0.0.hasPrefix("encoder.body.blocks.0.mixer.directions.3.") })
        #expect(!model.namedParameters().contains { $0.0.hasPrefix("encoder.body.blocks.3.") })
        let bi = EncoderDecoder(backbone: .mambaS, options: BackboneOptions(mambaScan: .bi), rng: &rng).parameterCount
        #expect(bi == 1_428_481)
        #expect(Double(bi) / Double(count) <= 1.15 && Double(count) / Double(1_369_921) >= 1 / 1.15)
    }

    /// vit-mixffn-s is vit-s plus one depthwise 3×3 convolution (weight and bias) per block's MLP, and
    /// nothing else: the same parameters otherwise, 3 × 576 × 10 more.
    @Test func mixFFNAddsOnlyTheDepthwiseConvolutions() {
        var rng = SeededRandom(seed: 0)
        let plain = Dictionary(uniqueKeysWithValues: EncoderDecoder(backbone: .vitS, rng: &rng).namedParameters().map { ($0.0, $0.1.shape) })
        let mixed = Dictionary(uniqueKeysWithValues: EncoderDecoder(backbone: .vitMixFFNS, rng: &rng).namedParameters().map { ($0.0, $0.1.shape) })
        let added = mixed.filter { plain[$0.key] == nil }
        #expect(mixed.filter { plain[$0.key] != nil }.count == plain.count && plain.allSatisfy { mixed[$0.key] == $0.value })
        #expect(Set(added.keys) == Set((0..<3).flatMap { ["encoder.body.blocks.\($0).mlp.dwconv.weight", "encoder.body.blocks.\($0).mlp.dwconv.bias"] }))
        #expect(added.values.allSatisfy { $0 == [576, 1, 3, 3] || $0 == [576] })
    }

    /// NAT's windows on a 9×9 grid: 49 keys for every query, shifted inward at the borders; a side no
    /// longer than the window is seen whole, in any number of axes; `keys` counts what the mask passes.
    @Test func neighbourhoodWindowsAreShiftedInwardAtTheBorders() {
        let mask = NeighbourhoodMask.table(grid: [9, 9], window: 7).values
        func keys(_ row: Int, _ column: Int) -> Set<Int> {
            Set((0..<81).filter { mask[(row * 9 + column) * 81 + $0] == 0 })
        }
        func square(_ rows: Range<Int>, _ columns: Range<Int>) -> Set<Int> {
            Set(rows.flatMap { r in columns.map { r * 9 + $0 } })
        }
        #expect((0..<9).allSatisfy { r in (0..<9).allSatisfy { keys(r, $0).count == 49 } })
        #expect(mask.allSatisfy { $0 == 0 || $0 == -.infinity })
        #expect(keys(0, 0) == square(0..<7, 0..<7))
        #expect(keys(4, 4) == square(1..<8, 1..<8))
        #expect(keys(8, 5) == square(2..<9, 2..<9))
        #expect(NeighbourhoodMask.table(grid: [3, 2, 4], window: 7).values.allSatisfy { $0 == 0 })
        // The key count sigmoid attention divides by is the count the mask lets through.
        for (grid, window, count) in [([9, 9], 7, 49), ([9, 2, 4], 3, 18), ([3, 2, 4], 7, 24)] {
            let table = NeighbourhoodMask.table(grid: grid, window: window).values
            let tokens = grid.reduce(1, *)
            #expect(NeighbourhoodMask.keys(grid: grid, window: window) == count)
            #expect((0..<tokens).allSatisfy { query in
                table[(query * tokens)..<((query + 1) * tokens)].filter { $0 == 0 }.count == count
            })
        }
    }

    /// vit-nat-s is vit-s with a mask, no parameters of its own: from the same weights, the two agree
    /// exactly while the token grid fits in one window (a 48² image, 6×6 tokens) and part beyond it.
    @Test func neighbourhoodAttentionIsVitSWithinOneWindow() throws {
        var rng = SeededRandom(seed: 5)
        let plain = EncoderDecoder(backbone: .vitS, rng: &rng)
        let local = EncoderDecoder(backbone: .vitNATS, rng: &rng)
        #expect(plain.namedParameters().map(\.0) == local.namedParameters().map(\.0))
        try local.load(parameters: Dictionary(uniqueKeysWithValues: plain.namedParameters()))
        for (side, same) in [(48, true), (72, false)] {
            let images = Tensor.randn([1, 1, side, side], rng: &rng)
            let (a, b) = withNoGrad { (plain(images).values, local(images).values) }
            #expect((a == b) == same, "\(side)²")
        }
    }

    @Test func conditioningShiftsTheMapsAndIsRequired() {
        var rng = SeededRandom(seed: 4)
        let model = EncoderDecoder(backbone: .cnnS, conditioning: 4, rng: &rng)
        let images = Tensor.randn([2, 1, 16, 16], rng: &rng)
        let zero = Tensor(shape: [2, 4], repeating: 0), one = Tensor(shape: [2, 4], repeating: 1)
        let a = withNoGrad { model(images, conditioning: zero) }.values, b = withNoGrad { model(images, conditioning: one) }.values
        #expect(zip(a, b).map { abs($0 - $1) }.max()! > 1e-3)
        // A weight and a bias for each of the 3 decoder stages and the 2 normalisations of each of the 2 stem stages.
        let film = model.namedParameters().map(\.0).filter { $0.contains("film") }
        #expect(film.count == 14)
        #expect(film.contains("encoder.stem.stages.1.film_conv.bias") && film.contains("decoder.stages.2.film.weight"))
    }

    @Test func singleScaleCheckpointsAreRefusedInOneLine() {
        var rng = SeededRandom(seed: 0)
        let model = EncoderDecoder(backbone: .vitS, rng: &rng)
        let old = ["encoder.patch_embed.weight": Tensor(shape: [192, 1, 8, 8]), "decoder.ups.0.conv.weight": Tensor(shape: [1])]
        let error = #expect(throws: MedadError.self) { try model.load(parameters: old) }
        #expect(error?.description.hasPrefix("a checkpoint of the single-scale model zoo") == true)
        #expect(error?.description.contains("\n") == false)
    }
}
