#include "convert.h"

#include <Python.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include "arfc/core/log.h"
#include "arfc/io/half.h"

namespace arfc::py_api {

namespace {

std::string shape_text(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

std::string dtype_text(const py::array& a) { return py::str(a.dtype()).cast<std::string>(); }

py::array as_array(const py::handle& x, const std::string& what) {
  if (py::isinstance<py::array>(x)) return py::reinterpret_borrow<py::array>(x);
  py::array a;
  try {
    a = py::module_::import("numpy").attr("asarray")(x);
  } catch (py::error_already_set&) {
  }
  if (!a || a.dtype().kind() == 'O')
    throw py::value_error(what + ": expected a numpy array, got " +
                          py::str(py::type::of(x).attr("__name__")).cast<std::string>());
  return a;
}

// Copies a strided 2-D array of T into out, converting each value with cvt.
template <typename T, typename Cvt>
void copy_strided(const py::array& a, Matrix& out, Cvt cvt) {
  const char* base = static_cast<const char*>(a.data());
  const py::ssize_t s0 = a.strides(0), s1 = a.strides(1);
  for (int64_t i = 0; i < out.n; ++i) {
    float* dst = out.row(i);
    const char* src = base + i * s0;
    for (int64_t j = 0; j < out.d; ++j) {
      T v;
      std::memcpy(&v, src + j * s1, sizeof(T));
      dst[j] = cvt(v);
    }
  }
}

std::atomic<bool> g_show_progress{false};

}  // namespace

Matrix matrix_from_array(const py::handle& x, const std::string& what) {
  py::array a = as_array(x, what);
  if (a.ndim() != 2)
    throw py::value_error(what + ": expected a 2-D array [N, D], got shape " + shape_text(a) +
                          (a.ndim() == 1 ? ". Hint: one vector is x.reshape(1, -1)." : "."));
  const char kind = a.dtype().kind();
  const py::ssize_t size = a.dtype().itemsize();
  if (kind != 'f' || (size != 2 && size != 4 && size != 8))
    throw py::value_error(what + ": expected float32, float16 or float64 values, got " + dtype_text(a) +
                          ". Hint: x.astype(numpy.float32).");
  if (a.shape(0) == 0 || a.shape(1) == 0)
    throw py::value_error(what + ": expected at least one row and one column, got shape " + shape_text(a) + ".");
  // Non-native byte order: let numpy convert (rare; one extra copy).
  if (!a.dtype().attr("isnative").cast<bool>()) a = a.attr("astype")(a.dtype().attr("newbyteorder")("="));
  Matrix m(a.shape(0), a.shape(1));
  const bool c_order = a.strides(1) == size && a.strides(0) == size * a.shape(1);
  if (size == 4 && c_order) {
    std::memcpy(m.data.data(), a.data(), sizeof(float) * m.data.size());
  } else if (size == 4) {
    copy_strided<float>(a, m, [](float v) { return v; });
  } else if (size == 8) {
    copy_strided<double>(a, m, [](double v) { return static_cast<float>(v); });
  } else {
    copy_strided<uint16_t>(a, m, [](uint16_t v) { return half_to_float(v); });
  }
  check_finite(m, what);  // arfc::Error -> ValueError naming the row and column
  return m;
}

Labels labels_from_array(const py::handle& y, const std::string& what) {
  py::array a = as_array(y, what);
  if (a.ndim() != 1)
    throw py::value_error(what + ": expected a 1-D array of class ids [N], got shape " + shape_text(a) + ".");
  const char kind = a.dtype().kind();
  if (kind != 'i' && kind != 'u')
    throw py::value_error(what + ": expected integer class ids, got " + dtype_text(a) +
                          ". Hint: y.astype(numpy.int64).");
  auto v = py::module_::import("numpy").attr("ascontiguousarray")(a, "int64").cast<py::array_t<int64_t>>();
  return Labels(v.data(), v.data() + v.size());
}

int64_t int_arg(const py::object& v, const char* name) {
  if (!py::isinstance<py::int_>(v) || py::isinstance<py::bool_>(v))
    throw py::value_error(std::string(name) + "= expects an int, got " +
                          py::str(py::type::of(v).attr("__name__")).cast<std::string>());
  return v.cast<int64_t>();
}

py::array_t<float> array_from_matrix(Matrix m) {
  auto* owner = new std::vector<float>(std::move(m.data));
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<std::vector<float>*>(p); });
  const py::ssize_t n = m.n, d = m.d;
  return py::array_t<float>({n, d}, {d * py::ssize_t(sizeof(float)), py::ssize_t(sizeof(float))}, owner->data(),
                            free_when_done);
}

py::object json_to_py(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

nlohmann::json json_from_py(const py::handle& obj, const std::string& what) {
  std::string text;
  try {
    // allow_nan=False: JSON has no NaN or infinity, so they are refused here by name
    // instead of failing later in the JSON parser.
    text = py::module_::import("json").attr("dumps")(obj, py::arg("allow_nan") = false).cast<std::string>();
  } catch (py::error_already_set& e) {
    // The exception's message alone (e.what() appends a Python traceback).
    const std::string why = py::str(e.value()).cast<std::string>();
    throw py::value_error(what + ": expected a JSON-serialisable dict of finite numbers (" + why + ")");
  }
  return nlohmann::json::parse(text);
}

ShowProgress::ShowProgress(bool on) : previous_(g_show_progress.exchange(on)) {}
ShowProgress::~ShowProgress() { g_show_progress = previous_; }

void install_runtime(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Interrupted&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const FileError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  // Library messages go to sys.stderr (so notebooks show them), written with the GIL held.
  // Every library call from Python releases the GIL first (without_gil, file_call), so a
  // message from one thread never waits on a thread that holds the GIL and logs.
  bool tty = false;
  try {
    tty = py::module_::import("sys").attr("stderr").attr("isatty")().cast<bool>();
  } catch (py::error_already_set&) {
  }
  set_log_callback(make_text_logger(
      [](const std::string& text) {
        py::gil_scoped_acquire gil;
        py::error_scope keep_pending_error;
        try {
          py::object err = py::module_::import("sys").attr("stderr");
          if (err.is_none()) return;
          err.attr("write")(text);
          err.attr("flush")();
        } catch (py::error_already_set&) {
          // A closed or broken sys.stderr: drop the message rather than fail the work.
        }
      },
      tty, [](LogLevel level) { return level == LogLevel::Warn || (level == LogLevel::Info && g_show_progress); }));

  // Ctrl-C: Python's signal handler only sets a flag while C++ code runs; long loops ask
  // here (at most every 50 ms) and unwind with Interrupted -> KeyboardInterrupt. Python
  // answers on its main thread only (PyErr_CheckSignals is a no-op elsewhere), so other
  // threads return at once, without the GIL; work spread over worker threads is watched
  // by the thread that started it (core/parallel.h).
  // A child forked from another thread runs its signal handlers on that thread: the id
  // is taken again there.
  static std::atomic<unsigned long> main_thread{0};
  main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  py::module_::import("os").attr("register_at_fork")(
      py::arg("after_in_child") = py::cpp_function([] { main_thread = PyThread_get_thread_ident(); }));
  set_interrupt_check([] {
    using Clock = std::chrono::steady_clock;
    static std::atomic<int64_t> last_ns{0};
    if (PyThread_get_thread_ident() != main_thread) return false;
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
    if (now - last_ns.load() < 50'000'000) return false;
    last_ns = now;
    if (!Py_IsInitialized()) return false;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() == 0) return false;
    PyErr_Clear();  // the translator raises KeyboardInterrupt once the work has unwound
    return true;
  });

  // Nothing may call into Python once the interpreter shuts down.
  py::module_::import("atexit").attr("register")(py::cpp_function([] {
    set_log_callback(nullptr);
    set_interrupt_check(nullptr);
  }));
  (void)m;
}

}  // namespace arfc::py_api
