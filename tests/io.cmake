arfc_test(io LIBS arfc_io)
arfc_test(feature_set LIBS arfc_io)
