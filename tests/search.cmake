# Search over stored codes (lookup tables for discrete tokens); needs tests/data/model_q8.arfc.
arfc_test(search LIBS arfc_search arfc_train arfc_model arfc_codes arfc_nn arfc_io arfc_core)
