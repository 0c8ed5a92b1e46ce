#!/usr/bin/python3
"""pkplot: figures for a paper from pathkernel HDF5 files.

Usage:
  pkplot.py RUN.h5 [--outdir DIR] [options]       figures of a run (pathkernel train)
  pkplot.py converge CONVERGE.h5 [--outdir DIR]   figure of a convergence table (pathkernel converge)
  pkplot.py dynamics DYNAMICS.h5 [--outdir DIR]   figures of the kernel during training (pathkernel dynamics)
  pkplot.py validate VALIDATE.h5 [--outdir DIR]   figures of a validation study (pathkernel validate)

A run file (format "pathkernel-run", version 1) gives
  predictions.png    network f_S(x) against the kernel machine y_KM(x), train and test, and the
                     residual |r(x)| = |f_S(x) - y_KM(x)| of every point on a log axis
  kernels.png        path kernel and tangent kernels, train x train, grouped by class
  loss.png           training loss over the steps
  explain.png        a query next to the training examples that most support and most oppose
                     its prediction, and the scores of all training examples
  superposition.png  first-layer weight changes W_1^S - W_1^0 = sum_i Gamma_i x_i^T (image inputs)
A replay's queries file (format "pathkernel-queries", version 1: a run's rows for new points,
pathkernel replay) gives
  explain.png        as above for one of its points, --query query:INDEX (default query:0)
A convergence file (format "pathkernel-converge", version 1) gives
  converge.png       the absolute and the relative residual max|r| of the train and the test
                     points against the learning rate, and max|r| of the gauss:q rules

Options for a run file:
  --outdir DIR           folder for the PNG files, created if needed (default: .)
  --only LIST            comma-separated subset of predictions,kernels,loss,explain,superposition
  --data FILE            the data file with the inputs and labels (see below)
  --class-names A,B,...  class names in class order; default: the data file's root attribute
                         class_names (one comma-separated string), else the class numbers
  --query SPLIT:INDEX    the point explained (default test:0, or train:0 without a test split;
                         query:0 for a queries file)
  --top K                proponents and opponents shown (default 5)
  --output K             softmax: the class explained (default: the predicted class);
                         mse: the output explained (default 0)
  --shared-scale         kernels.png: one colour scale for every kernel panel (default: one each);
                         the figure's title says which
  --units N              superposition.png: the N first-layer units that moved most (default 4)
  --image-shape HxW      shape of an input image (default: square, D = H*H with H >= 4)
Option for a convergence file: --outdir DIR.

A dynamics file (format "pathkernel-dynamics", version 1) gives
  dynamics_distance.png      distance of the tangent kernel K^g_s to the first and the last snapshot,
                             and its velocity between snapshots, against the step (log axis)
  dynamics_alignment.png     centred kernel-target alignment of K^g_s against the step, with K^p and
                             each of its layers as lines
  dynamics_spectrum.png      the largest eigenvalues of K^g_s against the step, and the spectrum's shape
                             lambda_k / lambda_1 at the start, the end and of K^p (needs --eigen)
  dynamics_eigenvectors.png  the leading eigenvectors v_k as images sum_i v_ik x_i, at the start, the
                             end and of K^p, with their mean entry per class (needs --eigenvectors and
                             the run's data: --run RUN.h5, --data FILE)
Options for a dynamics file: --outdir, --run, --data, --class-names, --vectors N, --image-shape, --only.

A validation file (format "pathkernel-validate", version 1, a finished study) gives
  validate_topk.png  per score, the actual change of each query's output after its top-k examples
                     were removed and the network retrained, against the change the score predicts
  validate_lds.png   per score, the linear datamodeling score and the leave-one-out correlation
                     (mean and sd over the queries, and every query)

explain.png ranks training example i by its score toward the explained class or output:
  logistic  s C(x, i), s = +1 if f_S(x) > 0 (predicted class 1), else -1
  softmax   C_k(x, i) - mean_c C_c(x, i), k the predicted class argmax_c f_S(x)_c (or --output)
  mse       C_k(x, i) of output k (--output, default 0)
Proponents have the largest positive scores, opponents the most negative. pkplot
prints them on one line:
  explain SPLIT:J, score toward class|output K: proponents I,I,...; opponents I,I,...

Inputs and labels: --data FILE if given; otherwise /data in the run file for
built-in data; otherwise the data file named by /config `data`, tried in this
order: as written (relative to the working folder), relative to the folder of
the run file, then /config `data_file` (the absolute path recorded by the run).
The test split is optional: a run on a data file with only /train/X, /train/y
has no /predict/test and no /kernel/*/test; every figure then shows the
training points only, and explain refuses a test query.

Exit codes: 0 success, 1 missing data or bad arguments, 2 not a file of the
expected format or version.
"""

import os
import sys

# The package pkfigures sits beside this file; pkplot.py stays the entry point.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pkfigures.cli import main  # noqa: E402,F401
from pkfigures.readers import Dynamics, PkError, Run, Study  # noqa: E402,F401
from pkfigures.run_figures import explain_scores, top_examples  # noqa: E402,F401

if __name__ == "__main__":
    sys.exit(main())
