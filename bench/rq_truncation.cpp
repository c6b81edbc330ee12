// Residual quantisation: training/encoding cost per code size, and truncated codes of one
// shared model against quantisers trained per size. Synthetic clustered data, L2-normalised
// (what the codec sees). Prints markdown tables to stdout.
//
//   rq_truncation [--dim 256] [--train 20000] [--test 5000] [--beam 5] [--train-beam 1] [--threads 1]
//                 [--time 8,16,32,64] [--train-bytes 32] [--sizes 4,8,16] [--seed 1]
//
// "--time" times ResidualQuantModel::train + encode of the test rows at each size ("" skips).
// The truncation table fits one ResidualQuantCodec per size through one CodecCache
// (shared model at --train-bytes) and one per_size codec per size, and reports the mean
// squared reconstruction error per vector (||x - x_hat||^2, x unit-norm), next to the
// centroid-only baseline (every row decoded as the training mean).
// --train-beam and --threads (training) apply to the timing table; the codecs of the
// truncation table train with their defaults (ResidualQuantOptions). --threads: encoding. Set OPENBLAS_NUM_THREADS=1 as well for
// single-threaded numbers.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "arfc/baselines/residual_quant.h"
#include "arfc/core/error.h"

using namespace arfc;

namespace {

// Clustered rows with a decaying spectrum (embedding-like): 64 centres, spread 0.5.
Matrix clustered(int64_t n, int64_t d, uint64_t seed, uint64_t centre_seed) {
  std::mt19937_64 crng(centre_seed), rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> scale(static_cast<size_t>(d));
  for (int64_t j = 0; j < d; ++j) scale[size_t(j)] = 1.0f / std::sqrt(1.0f + float(j) / 8.0f);
  const int64_t k = 64;
  Matrix c(k, d);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < d; ++j) c.at(i, j) = scale[size_t(j)] * g(crng);
  Matrix x(n, d);
  std::uniform_int_distribution<int64_t> pick(0, k - 1);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t ci = pick(rng);
    for (int64_t j = 0; j < d; ++j) x.at(i, j) = c.at(ci, j) + 0.5f * scale[size_t(j)] * g(rng);
  }
  l2_normalize_rows(x);
  return x;
}

double mse(const Matrix& a, const Matrix& b) {
  double s = 0;
  for (size_t i = 0; i < a.data.size(); ++i) s += double(a.data[i] - b.data[i]) * double(a.data[i] - b.data[i]);
  return s / double(a.n);
}

std::vector<int64_t> parse_list(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  for (std::string t; std::getline(ss, t, ',');)
    if (!t.empty()) out.push_back(std::stoll(t));
  return out;
}

// CPU seconds of this process (user + system): the machine may be shared.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t dim = 256, n_train = 20000, n_test = 5000, train_bytes = 32, threads = 1;
  int beam = 5, train_beam = 1;
  uint64_t seed = 1;
  std::string time_sizes = "8,16,32,64", sizes = "4,8,16";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--dim") dim = std::stoll(v);
    else if (a == "--train") n_train = std::stoll(v);
    else if (a == "--test") n_test = std::stoll(v);
    else if (a == "--beam") beam = std::stoi(v);
    else if (a == "--train-beam") train_beam = std::stoi(v);
    else if (a == "--threads") threads = std::stoll(v);
    else if (a == "--time") time_sizes = v;
    else if (a == "--train-bytes") train_bytes = std::stoll(v);
    else if (a == "--sizes") sizes = v;
    else if (a == "--seed") seed = std::stoull(v);
    else {
      std::fprintf(stderr, "rq_truncation: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  try {
    FeatureSet fs;
    fs.name = "clustered";
    fs.train_x = clustered(n_train, dim, seed, 7);
    fs.test_x = clustered(n_test, dim, seed + 1, 7);
    std::printf("# rq: D = %lld, %lld training rows, %lld test rows, beam %d (training %d), %lld thread(s)\n\n",
                (long long)dim, (long long)n_train, (long long)n_test, beam, train_beam, (long long)threads);
    ResidualQuantOptions options;
    options.beam = beam;
    options.train_beam = train_beam;
    options.threads = int(threads);

    if (!parse_list(time_sizes).empty()) {
      std::printf("| M (bytes) | train s (wall) | train s (CPU) | encode s (wall, %lld rows) | test MSE |\n"
                  "|---|---|---|---|---|\n", (long long)n_test);
      for (int64_t m : parse_list(time_sizes)) {
        const double c0 = cpu_seconds();
        auto model = ResidualQuantModel::train(fs.train_x, m, options);
        const double train_cpu = cpu_seconds() - c0;
        const auto t0 = std::chrono::steady_clock::now();
        const auto codes = model->encode(fs.test_x, int(threads));
        const double enc = seconds_since(t0);
        const double err = mse(model->decode(codes, m, m), fs.test_x);
        std::printf("| %lld | %.1f | %.1f | %.2f | %.4f |\n", (long long)m, model->train_seconds(), train_cpu, enc,
                    err);
        std::fflush(stdout);
      }
      std::printf("\n");
    }

    const std::vector<int64_t> ms = parse_list(sizes);
    if (!ms.empty()) {
      Matrix mean(1, dim);
      for (int64_t i = 0; i < fs.train_x.n; ++i)
        for (int64_t j = 0; j < dim; ++j) mean.at(0, j) += fs.train_x.at(i, j) / float(fs.train_x.n);
      Matrix mean_rows(fs.test_x.n, dim);
      for (int64_t i = 0; i < fs.test_x.n; ++i) std::copy_n(mean.row(0), dim, mean_rows.row(i));

      CodecCache shared, own;
      shared.seed = own.seed = seed;
      shared.threads = own.threads = threads;
      shared.ratios = {4.0 * double(dim) / double(train_bytes)};
      for (int64_t m : ms) shared.ratios.push_back(4.0 * double(dim) / double(m));
      std::printf("centroid-only baseline (training mean): test MSE %.4f\n\n", mse(mean_rows, fs.test_x));
      std::printf("| m | truncated from M_train = %lld | per-size | codes differing | per-size train s |\n"
                  "|---|---|---|---|---|\n", (long long)train_bytes);
      for (int64_t m : ms) {
        const double ratio = 4.0 * double(dim) / double(m);
        ResidualQuantCodec trunc(ratio, dim, shared, false, ResidualQuantCodec::kDefaultMaxTrain, beam);
        ResidualQuantCodec per(ratio, dim, own, true, ResidualQuantCodec::kDefaultMaxTrain, beam);
        trunc.fit(fs);
        per.fit(fs);
        const double e_trunc = mse(trunc.encode(fs.test_x, 0).codes, fs.test_x);
        const double e_per = mse(per.encode(fs.test_x, 0).codes, fs.test_x);
        // Same first m codebooks? (FAISS trains level by level.)
        double cb_diff = 0;
        for (int64_t k = 0; k < m; ++k)
          for (int64_t j = 0; j < 256; ++j)
            for (int64_t t = 0; t < dim; ++t)
              cb_diff = std::max(cb_diff, double(std::abs(trunc.model().centroid(k, j)[t] - per.model().centroid(k, j)[t])));
        const auto ct = trunc.codes(fs.test_x), cp = per.codes(fs.test_x);
        int64_t differ = 0;
        for (int64_t i = 0; i < fs.test_x.n; ++i)
          differ += !std::equal(ct.begin() + i * m, ct.begin() + (i + 1) * m, cp.begin() + i * m);
        std::printf("| %lld | %.4f | %.4f | %.1f%% | %.1f |\n", (long long)m, e_trunc, e_per,
                    100.0 * double(differ) / double(fs.test_x.n), per.model().train_seconds());
        std::fprintf(stderr, "m = %lld: max |codebook difference| shared vs per-size = %g; shared model trained "
                     "in %.1f s\n", (long long)m, cb_diff, trunc.model().train_seconds());
        std::fflush(stdout);
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "rq_truncation: %s\n", e.what());
    return 1;
  }
  return 0;
}
