"""The command line of pkplot: one main per file kind, and the dispatcher."""

import argparse
import os
import sys

from .readers import Dynamics, PkError, Run, Study, has
from .run_figures import (fig_explain, fig_kernels, fig_loss, fig_predictions, fig_superposition,
                          resolve_query, superposition_missing)
from .converge_figures import fig_converge
from .filter_figures import fig_filters, is_conv_first_layer
from .dynamics_figures import (DYNAMICS_FIGURES, fig_dynamics_alignment, fig_dynamics_distance,
                               fig_dynamics_eigenvectors, fig_dynamics_spectrum)
from .validate_figures import fig_validate_lds, fig_validate_topk


def main_run(argv):
    p = argparse.ArgumentParser(
        prog="pkplot.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="pkplot.py RUN.h5 [--outdir DIR] [options]\n       pkplot.py converge CONVERGE.h5 [--outdir DIR]"
              "\n       pkplot.py dynamics DYNAMICS.h5 [--outdir DIR] [options]"
              "\n       pkplot.py validate VALIDATE.h5 [--outdir DIR]",
        description="Figures from a pathkernel run file: predictions.png, kernels.png, loss.png,\n"
                    "explain.png, superposition.png (for a CNN: the first conv layer's filters). For a convergence table of pathkernel converge:\n"
                    "pkplot.py converge CONVERGE.h5 writes converge.png (pkplot.py converge --help).\n"
                    "For a study of pathkernel validate: pkplot.py validate VALIDATE.h5 writes\n"
                    "validate_topk.png and validate_lds.png (pkplot.py validate --help).",
        epilog="Inputs and labels: --data FILE; else /data in the run file (built-in data); else the data\n"
               "file named by /config data, tried relative to the working folder, then to the run file's\n"
               "folder, then at /config data_file (absolute). The test split is optional.")
    p.add_argument("run", help="run file (format pathkernel-run), or a replay's queries file (pathkernel-queries)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for the PNG files (created)")
    p.add_argument("--data", default=None, metavar="FILE", help="data file with the inputs and labels (see below)")
    p.add_argument("--query", default=None, metavar="SPLIT:INDEX",
                   help="query of explain.png: test:3, train:12, query:0 (a queries file), test:misclassified "
                        "or test:correct (the first such point; test:misclassified:2 the third) (default test:0, "
                        "or train:0 for a run without a test split)")
    p.add_argument("--top", type=int, default=5, metavar="K", help="proponents/opponents shown (default 5)")
    p.add_argument("--output", type=int, default=None, metavar="K",
                   help="explain.png: softmax, the class to explain (default: the predicted class); "
                        "mse, the output (default 0)")
    p.add_argument("--class-names", default=None, metavar="A,B,...",
                   help="names of the classes, in class order (default: the data file's root attribute "
                        "class_names, else the class numbers)")
    p.add_argument("--shared-scale", action="store_true",
                   help="kernels.png: one colour scale for every kernel panel (default: one per panel)")
    p.add_argument("--units", type=int, default=4, metavar="N",
                   help="superposition.png: the first-layer units that moved most (default 4)")
    p.add_argument("--image-shape", default=None, metavar="HxW",
                   help="shape of an input image (default: square D)")
    p.add_argument("--only", default=None, metavar="LIST",
                   help="comma-separated subset of predictions,kernels,loss,explain,superposition")
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    figures = ["predictions", "kernels", "loss", "explain", "superposition"]
    if a.only:
        want = [w.strip() for w in a.only.split(",") if w.strip()]
        bad = [w for w in want if w not in figures]
        if bad:
            raise PkError("--only: unknown figure(s) %s" % ", ".join(bad), 1)
        figures = want
    run = Run(a.run, a.data, a.class_names)
    if run.is_queries and not a.only:
        figures = ["explain"]  # a queries file holds rows of new points only: their explanation
    try:
        run.class_names()  # a wrong --class-names stops here, before any figure is written
        if "explain" in figures:
            query = resolve_query(run, a.query)
        for name in figures:
            if name == "predictions":
                fig_predictions(run, a.outdir)
            elif name == "kernels":
                fig_kernels(run, a.outdir, a.shared_scale)
            elif name == "loss":
                fig_loss(run, a.outdir)
            elif name == "explain":
                fig_explain(run, a.outdir, *query, max(1, a.top), a.output, a.image_shape)
            elif name == "superposition" and is_conv_first_layer(run):
                fig_filters(run, a.outdir)  # the filters are drawn from W_1 whether or not Gamma was stored
            elif name == "superposition":
                missing = superposition_missing(run)
                if missing and not a.only:  # asked for by default only: a note, as for a non-image D
                    print("pkplot: note: superposition.png skipped: %s" % missing)
                    continue
                fig_superposition(run, a.outdir, a.units, shape_override=a.image_shape)
    finally:
        run.close()
    return 0


def main_converge(argv):
    p = argparse.ArgumentParser(prog="pkplot.py converge",
                                description="Figure from a pathkernel convergence file.")
    p.add_argument("file", help="convergence file (format pathkernel-converge)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for converge.png (created)")
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    fig_converge(a.file, a.outdir)
    return 0


def main_dynamics(argv):
    p = argparse.ArgumentParser(
        prog="pkplot.py dynamics", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Figures from a pathkernel dynamics file (pathkernel dynamics --run RUN.h5 --eigen K\n"
                    "--eigenvectors): dynamics_distance.png, dynamics_alignment.png, dynamics_spectrum.png,\n"
                    "dynamics_eigenvectors.png (the last needs the run's data for the images).")
    p.add_argument("file", help="dynamics file (format pathkernel-dynamics)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for the PNG files (created)")
    p.add_argument("--run", default=None, metavar="RUN.h5",
                   help="the run file (default: /config run of the dynamics file, or beside it)")
    p.add_argument("--data", default=None, metavar="FILE", help="data file with the run's inputs and labels")
    p.add_argument("--class-names", default=None, metavar="A,B,...", help="names of the classes, in class order")
    p.add_argument("--vectors", type=int, default=4, metavar="N", help="eigenvectors shown (default 4)")
    p.add_argument("--image-shape", default=None, metavar="HxW", help="shape of an input image (default: square D)")
    p.add_argument("--only", default=None, metavar="LIST",
                   help="comma-separated subset of " + ",".join(DYNAMICS_FIGURES))
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    figures = DYNAMICS_FIGURES
    if a.only:
        figures = [w.strip() for w in a.only.split(",") if w.strip()]
        bad = [w for w in figures if w not in DYNAMICS_FIGURES]
        if bad:
            raise PkError("--only: unknown figure(s) %s" % ", ".join(bad), 1)
    dyn = Dynamics(a.file)
    try:
        for name in figures:
            # Without --only, figures whose data the file lacks are skipped with a note.
            needs = {"spectrum": "/snapshots/eigenvalues", "eigenvectors": "/snapshots/eigenvectors"}.get(name)
            if not a.only and needs and not has(dyn.f, needs) and not has(dyn.f, needs.replace("snapshots", "path")):
                print("pkplot: note: '%s' has no %s; dynamics_%s.png skipped" % (a.file, needs.split("/")[-1], name))
                continue
            if name == "distance":
                fig_dynamics_distance(dyn, a.outdir)
            elif name == "alignment":
                fig_dynamics_alignment(dyn, a.outdir)
            elif name == "spectrum":
                fig_dynamics_spectrum(dyn, a.outdir)
            elif name == "eigenvectors":
                run = dyn.run(a.run, a.data)
                run.class_names_option = a.class_names
                try:
                    fig_dynamics_eigenvectors(dyn, run, a.outdir, max(1, a.vectors), a.image_shape)
                finally:
                    run.close()
    finally:
        dyn.close()
    return 0


def main_validate(argv):
    p = argparse.ArgumentParser(prog="pkplot.py validate",
                                description="Figures from a pathkernel validation study: validate_topk.png "
                                            "(actual against predicted change under top-k removal, per score) and "
                                            "validate_lds.png (LDS and leave-one-out correlation per score).")
    p.add_argument("file", help="validation file (format pathkernel-validate, a finished study)")
    p.add_argument("--outdir", default=".", metavar="DIR", help="folder for the PNG files (created)")
    a = p.parse_args(argv)
    os.makedirs(a.outdir, exist_ok=True)
    study = Study(a.file)
    try:
        fig_validate_topk(study, a.outdir)
        fig_validate_lds(study, a.outdir)
    finally:
        study.close()
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] == "converge":
            return main_converge(argv[1:])
        if argv and argv[0] == "dynamics":
            return main_dynamics(argv[1:])
        if argv and argv[0] == "validate":
            return main_validate(argv[1:])
        return main_run(argv)
    except PkError as e:
        print("pkplot: error: %s" % e, file=sys.stderr)
        return e.code


if __name__ == "__main__":
    sys.exit(main())
