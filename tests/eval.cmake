arfc_test(eval LIBS arfc_eval arfc_baselines arfc_nn arfc_io arfc_core)
arfc_test(probe LIBS arfc_eval arfc_data arfc_nn arfc_io arfc_core)
