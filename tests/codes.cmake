arfc_test(codes LIBS arfc_codes)
