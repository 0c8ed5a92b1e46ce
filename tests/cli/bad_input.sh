#!/usr/bin/env bash
# One bad input per call: the program must exit non-zero with one clear
# "pathkernel: error:" message naming the problem, without hanging and
# without leaving a file that looks complete.
#
#   bad_input.sh PROGRAM CASE
set -euo pipefail
source "$(dirname "$0")/refusal.sh"
begin_case "$@"

# A valid small data file, then variants of it made with h5py.
make_data() {  # make_data FILE PYTHON-STATEMENTS (f is the open file, X/y arrays)
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
path, edit = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
X = rng.normal(size=(20, 3)); y = (X[:, 0] > 0).astype(float)
Xt = rng.normal(size=(6, 3)); yt = (Xt[:, 0] > 0).astype(float)
with h5py.File(path, "w") as f:
    f["train/X"] = X; f["train/y"] = y; f["test/X"] = Xt; f["test/y"] = yt
    exec(edit)
PY
}

expect="" args=()
case "$case_name" in
  missing_file)        expect="no such file";              args=(--data nothere.h5) ;;
  not_hdf5)            echo "just text" > d.h5; expect="not an HDF5 file"; args=(--data d.h5) ;;
  missing_train_X)     make_data d.h5 'del f["train/X"]'; expect="no dataset /train/X"; args=(--data d.h5) ;;
  missing_train_y)     make_data d.h5 'del f["train/y"]'; expect="no dataset /train/y"; args=(--data d.h5) ;;
  wrong_rank)          make_data d.h5 'del f["train/X"]; f["train/X"] = X.ravel()'; expect="must have rank 2"; args=(--data d.h5) ;;
  y_length)            make_data d.h5 'del f["train/y"]; f["train/y"] = y[:7]'; expect="has 7 rows but /train/X has 20"; args=(--data d.h5) ;;
  test_dimension)      make_data d.h5 'del f["test/X"]; f["test/X"] = np.ones((6, 4))'; expect="/test/X .* has D = 4 but /train/X has D = 3"; args=(--data d.h5) ;;
  nan_in_data)         make_data d.h5 'f["train/X"][4, 1] = np.nan'; expect="/train/X row 4 .*NaN or Inf"; args=(--data d.h5) ;;
  inf_in_data)         make_data d.h5 'f["test/y"][2] = np.inf'; expect="/test/y row 2 .*NaN or Inf"; args=(--data d.h5) ;;
  logistic_labels)     make_data d.h5 'f["train/y"][3] = 2.0'; expect="logistic labels must be 0 or 1"; args=(--data d.h5 --loss logistic) ;;
  softmax_negative)    make_data d.h5 'del f["train/y"]; f["train/y"] = np.array([-1] + [0] * 19, dtype=np.int64); del f["test/y"]; f["test/y"] = np.zeros(6, dtype=np.int64)'; expect="non-negative integers"; args=(--data d.h5 --loss softmax) ;;
  softmax_noninteger)  make_data d.h5 'f["train/y"][0] = 0.5'; expect="non-negative integers"; args=(--data d.h5 --loss softmax) ;;
  softmax_too_large)   make_data d.h5 'del f["train/y"]; f["train/y"] = np.array([0, 1, 2] * 6 + [0, 1], dtype=np.int64); del f["test/y"]; f["test/y"] = np.zeros(6, dtype=np.int64)'; expect="label 2 .* not below --classes 2"; args=(--data d.h5 --loss softmax --classes 2) ;;
  no_examples)         make_data d.h5 'del f["train/X"]; del f["train/y"]; f["train/X"] = np.ones((0, 3)); f["train/y"] = np.ones(0)'; expect="no rows \(N = 0\)"; args=(--data d.h5) ;;
  lr_negative)         expect="--lr must be a finite number > 0"; args=(--lr -0.1) ;;
  lr_zero)             expect="--lr must be a finite number > 0"; args=(--lr 0) ;;
  steps_negative)      expect="--steps must be >= 0"; args=(--steps -3) ;;
  unknown_activation)  expect="unknown activation 'sigmoid'"; args=(--activation sigmoid) ;;
  unknown_loss)        expect="unknown loss 'hinge'"; args=(--loss hinge) ;;
  unknown_path_rule)   expect="unknown path rule 'right'"; args=(--path-rule right) ;;
  unknown_param)       expect="unknown parameterization 'mup'"; args=(--param mup) ;;
  malformed_hidden)    expect="malformed --hidden '64,,x'"; args=(--hidden 64,,x) ;;
  unknown_layer_kind)  expect="unknown layer kind 'pool' in --layers \(known: dense, conv, avgpool, maxpool\)"; args=(--layers dense:8,pool:2) ;;
  layer_needs_images)  expect="--layers: layer 2 \(conv:4:3\) needs images \[C, H, W\] as its input, but its input is 8 flat values"; args=(--layers dense:8,conv:4:3) ;;
  input_shape_size)
    # 3 flat values cannot be 1x2x2 images: both sizes are named.
    make_data d.h5 ''; expect="--input-shape 1,2,2 holds C\*H\*W = 4 values per example, but the rows of 'd.h5' have D = 3"
    args=(--data d.h5 --input-shape 1,2,2 --layers conv:2:1) ;;
  input_shape_disagrees)
    # Images stored [N, 1, 2, 3] read as 1x3x2 would be scrambled silently.
    make_data d.h5 'del f["train/X"]; f["train/X"] = rng.normal(size=(20, 1, 2, 3)); del f["test"]'
    expect="--input-shape 1,3,2 disagrees with the images of 'd.h5', stored as \[N, 1x2x3\]"
    args=(--data d.h5 --input-shape 1,3,2 --layers conv:2:1) ;;
  malformed_input_shape) expect="malformed --input-shape '1,28': expected C,H,W"; args=(--input-shape 1,28) ;;
  malformed_layers)    expect="--layers: 'dense:0': H must be an integer in 1..1000000"; args=(--layers dense:0) ;;
  hidden_and_layers)   expect="--hidden and --layers given together"; args=(--hidden 8 --layers dense:8) ;;
  unknown_option)      expect="unrecognised option '--learning-rate'|unrecognized option '--learning-rate'"; args=(--learning-rate 0.1) ;;
  unreadable_ini)      expect="cannot read the config file"; args=(--config missing.ini) ;;
  malformed_ini)       printf 'lr = fast\n' > bad.ini; expect="--lr 'fast' is not a number"; args=(--config bad.ini) ;;
  parse_errors_together)
    # A value that is not a number is reported with every other problem, not alone.
    expect="--lr 'fast' is not a number.*--steps '1.5' is not a whole number.*unknown activation 'foo'"
    args=(--lr fast --activation foo --steps 1.5) ;;
  builtin_options_with_file)
    make_data d.h5 ''; expect="--n-train, --data-seed apply to built-in data only: with the data file 'd.h5'"
    args=(--data d.h5 --n-train 10 --data-seed 3) ;;
  builtin_options_in_ini)
    make_data d.h5 ''; printf 'data = d.h5\nn-test = 5\n' > run.ini
    expect="--n-test applies to built-in data only"; args=(--config run.ini) ;;
  integer_labels_no_loss)
    make_data d.h5 'del f["train/y"]; f["train/y"] = y.astype(np.int64); del f["test/y"]; f["test/y"] = yt.astype(np.int64)'
    expect="has integer labels .* no root attribute loss.*--loss softmax\|logistic\|mse"; args=(--data d.h5) ;;
  pid_file_unwritable) expect="cannot write the --pid-file 'nofolder/pids'"; args=(--pid-file nofolder/pids) ;;
  output_folder_missing) expect="cannot write 'nofolder/run.h5'"; args=(--out nofolder/run.h5) ;;
  output_not_writable) expect="cannot write '/proc/run.h5'"; args=(--out /proc/run.h5) ;;
  output_is_input)     make_data d.h5 ''; expect="--out must not be the input data file"; args=(--data d.h5 --out d.h5) ;;
  checkpoint_other_config)
    mpiexec -n 2 --oversubscribe "$program" train --hidden 4 --steps 6 --checkpoint-every 3 --checkpoint ck.h5 --keep-checkpoint --out first.h5 > /dev/null
    expect="written by a run with other settings or data:.*hidden: checkpoint has '4', this run has '5'"
    args=(--hidden 5 --restart ck.h5) ;;
  diverging)
    expect="training diverged at step [0-9]+"
    args=(--hidden 8 --n-train 20 --activation relu --lr 50 --steps 200 --checkpoint-every 1 --checkpoint ck.h5) ;;
  output_same_file)    make_data d.h5 ''; expect="--out must not be the input data file"; args=(--data d.h5 --out ./d.h5) ;;
  stray_argument)      expect="unexpected argument"; args=(--hidden 16 16) ;;
  config_is_folder)    mkdir cfg; expect="cannot read the config file 'cfg'"; args=(--config cfg) ;;
  bad_loss_attribute)  make_data d.h5 'f.attrs["loss"] = "hinge"'; expect="root attribute loss = 'hinge'"; args=(--data d.h5) ;;
  memory_too_large)    expect="this run needs about [0-9.]+ GB per rank .* but only .* is available to each rank: use more ranks"
                       args=(--n-train 200000 --n-test 0 --optimizer adam) ;;
  unknown_optimizer)   expect="unknown optimizer 'rmsprop' \(allowed: sgd, momentum, adam, adamw\)"; args=(--optimizer rmsprop) ;;
  momentum_range)      expect="--momentum must be in \[0, 1\)"; args=(--optimizer momentum --momentum 1.5) ;;
  beta2_range)         expect="--beta2 must be in \[0, 1\)"; args=(--optimizer adam --beta2 1) ;;
  bad_lr_schedule)     expect="unknown --lr-schedule 'step:0:0.5'"; args=(--lr-schedule step:0:0.5) ;;
  other_optimizer_option) expect="--beta1 applies to --optimizer adam or adamw only, not to 'momentum'"
                       args=(--optimizer momentum --beta1 0.8) ;;
  nesterov_alone)      expect="--nesterov needs --optimizer momentum"; args=(--nesterov) ;;
  checkpoint_other_optimizer)
    mpiexec -n 2 --oversubscribe "$program" train --hidden 4 --steps 6 --optimizer adam --checkpoint-every 3 --checkpoint ck.h5 --keep-checkpoint --out first.h5 > /dev/null
    expect="written by a run with other settings or data:.*optimizer: checkpoint has 'adam', this run has 'momentum'"
    args=(--hidden 4 --optimizer momentum --restart ck.h5) ;;
  checkpoint_without_metrics)
    # A checkpoint from before the test-loss and accuracy histories cannot continue them.
    mpiexec -n 2 --oversubscribe "$program" train --hidden 4 --steps 6 --checkpoint-every 3 --checkpoint ck.h5 --keep-checkpoint --out first.h5 > /dev/null
    /usr/bin/python3 -c 'import h5py; f = h5py.File("ck.h5", "r+"); del f["metrics"]'
    expect="written by an earlier pathkernel, without the test-loss and accuracy histories"
    args=(--hidden 4 --restart ck.h5) ;;
  restart_unfinished)  # only the .partial of a checkpoint killed while being written
    printf 'half' > ck.h5.partial; expect="cannot open 'ck.h5'.*'ck.h5.partial' is an unfinished write"
    args=(--restart ck.h5) ;;
  group_not_dataset)   make_data d.h5 'del f["train/X"]; f.create_group("train/X")'; expect="has no dataset /train/X"; args=(--data d.h5) ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac

# Small defaults for whatever the case does not set itself.
base=()
for pair in "--hidden 4" "--steps 5" "--out run.h5"; do
  option="${pair%% *}"
  [[ " ${args[*]} " == *" $option "* ]] && continue
  [[ "$option" == --hidden && " ${args[*]} " == *" --layers "* ]] && continue  # --layers replaces it
  base+=($pair)
done

expect_refusal "$expect" run.h5 d.h5.partial run.h5.partial -- \
  mpiexec -n 2 --oversubscribe "$program" train "${base[@]}" "${args[@]}"
if [[ "$case_name" == diverging ]]; then
  # The last good checkpoint is kept: complete, and from before the step that diverged.
  h5dump -a /complete ck.h5 | grep -q "(0): 1" || { echo "FAIL: no complete checkpoint kept"; exit 1; }
  diverged=$(grep -oE "diverged at step [0-9]+" err.log | grep -oE "[0-9]+$")
  kept=$(h5dump -a /step ck.h5 | awk '/\(0\)/ {print $2}')
  (( kept < diverged )) || { echo "FAIL: the checkpoint (step $kept) holds the diverged state (step $diverged)"; exit 1; }
fi
echo "PASS: $case_name"
