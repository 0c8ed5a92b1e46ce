"""pkfigures: the readers and figures behind analysis/pkplot.py.

  readers            the files of pathkernel (run, queries, dynamics, validate, converge), no matplotlib
  style              matplotlib settings and helpers shared by the figures
  run_figures        predictions, kernels, loss, explain, superposition of a run file
  converge_figures   converge.png of a convergence file
  dynamics_figures   dynamics_*.png of a dynamics file
  validate_figures   validate_*.png of a validation study
  cli                the command line (pkplot.py is its entry point)
"""

from .readers import Dynamics, PkError, Run, Study, has, need, open_checked  # noqa: F401
