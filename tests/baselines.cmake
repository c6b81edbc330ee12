arfc_test(baselines LIBS arfc_eval arfc_baselines arfc_nn arfc_io arfc_core)
