arfc_test(learned_baselines LIBS arfc_eval arfc_baselines arfc_train arfc_model arfc_codes arfc_nn arfc_io arfc_core)
