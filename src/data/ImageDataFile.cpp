#include "data/ImageDataFile.hpp"

#include <set>

#include "core/Error.hpp"
#include "core/Sha256.hpp"
#include "data/ImageSample.hpp"
#include "io/H5.hpp"
#include "io/IdxFile.hpp"
#include "io/OutputFile.hpp"

namespace pk {

namespace {

constexpr const char* kFashionFolder = "/usr/share/datasets/fashion-mnist/";

// One split read from its two IDX files and cut down to the kept rows.
struct ImageSplit {
  std::vector<double> x;  // [n, rows * cols]
  std::vector<std::int64_t> labels, sourceRows;
  std::int64_t rows = 0, cols = 0;
  std::string imagesSha256, labelsSha256;
  std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
};

ImageSplit readSplit(const std::string& imagesPath, const std::string& labelsPath, const ImageDataRequest& request,
                     std::int64_t count, std::uint64_t seed) {
  const IdxArray images = readIdx(imagesPath, 3);
  const IdxArray labels = readIdx(labelsPath, 1);
  PK_REQUIRE(images.dims[0] == labels.dims[0], "'" + imagesPath + "' holds " + std::to_string(images.dims[0]) +
                                                   " images but '" + labelsPath + "' " +
                                                   std::to_string(labels.dims[0]) + " labels");
  const ClassSample sample = sampleClasses(labels.values, request.classes, count, seed, "'" + labelsPath + "'");
  ImageSplit split;
  split.rows = images.dims[1];
  split.cols = images.dims[2];
  const std::int64_t pixels = split.rows * split.cols;
  split.x.reserve(sample.rows.size() * static_cast<std::size_t>(pixels));
  for (const std::int64_t r : sample.rows)
    for (std::int64_t p = 0; p < pixels; ++p)
      // A division, not a multiplication by 1/255: the values other tools compute.
      split.x.push_back(static_cast<double>(images.values[static_cast<std::size_t>(r * pixels + p)]) / 255.0);
  split.labels = sample.labels;
  split.sourceRows = sample.rows;
  split.imagesSha256 = sha256OfFile(imagesPath);
  split.labelsSha256 = sha256OfFile(labelsPath);
  return split;
}

std::string classNamesText(const ImageDataRequest& request) {
  std::string text;
  for (const std::int64_t c : request.classes) {
    if (!text.empty()) text += ",";
    const auto index = static_cast<std::size_t>(c);
    text += index < request.classNames.size() ? request.classNames[index] : std::to_string(c);
  }
  return text;
}

void writeSplit(hid_t file, const std::string& name, const ImageSplit& split, bool binary) {
  const auto n = static_cast<hsize_t>(split.size());
  h5::writeReplicated(file, "/" + name + "/X",
                      {n, 1, static_cast<hsize_t>(split.rows), static_cast<hsize_t>(split.cols)}, split.x.data());
  if (binary) {
    const std::vector<double> y(split.labels.begin(), split.labels.end());
    h5::writeReplicated(file, "/" + name + "/y", {n}, y.data());
  } else {
    h5::writeReplicated(file, "/" + name + "/y", {n}, split.labels.data());
  }
  h5::setAttribute(file, name + "_images_sha256", split.imagesSha256);
  h5::setAttribute(file, name + "_labels_sha256", split.labelsSha256);
  h5::setAttribute(file, name + "_sample_index", split.sourceRows);
}

}  // namespace

IdxSources fashionMnistSources() {
  const std::string f = kFashionFolder;
  return {f + "train-images-idx3-ubyte.gz", f + "train-labels-idx1-ubyte.gz", f + "t10k-images-idx3-ubyte.gz",
          f + "t10k-labels-idx1-ubyte.gz"};
}

std::vector<std::string> fashionMnistClassNames() {
  return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
}

ImageDataSummary writeImageDataFile(const ImageDataRequest& given, MPI_Comm comm) {
  ImageDataRequest request = given;
  const IdxSources& s = request.sources;
  if (request.classes.empty()) {
    // Every class of the training labels, ascending.
    const IdxArray labels = readIdx(s.trainLabels, 1);
    const std::set<std::int64_t> present(labels.values.begin(), labels.values.end());
    request.classes.assign(present.begin(), present.end());
    PK_REQUIRE(request.classes.size() >= 2, "'" + s.trainLabels + "' holds a single class: nothing to learn");
  }
  const bool hasTest = !s.testImages.empty();
  // The train and test samples are drawn from generators of their own, so the
  // train sample does not change with --n-test.
  const ImageSplit train = readSplit(s.trainImages, s.trainLabels, request, request.nTrain, request.seed);
  ImageSplit test;
  if (hasTest) {
    test = readSplit(s.testImages, s.testLabels, request, request.nTest, request.seed + 1);
    PK_REQUIRE(test.rows == train.rows && test.cols == train.cols,
               "the test images of '" + s.testImages + "' are " + std::to_string(test.rows) + "x" +
                   std::to_string(test.cols) + " but the training images of '" + s.trainImages + "' are " +
                   std::to_string(train.rows) + "x" + std::to_string(train.cols));
  }
  const bool binary = request.classes.size() == 2;
  ImageDataSummary summary{train.size(), test.size(), train.rows, train.cols, binary ? "logistic" : "softmax"};

  OutputFile file(request.out, "pathkernel-data", 1, comm);
  writeSplit(file, "train", train, binary);
  if (hasTest) writeSplit(file, "test", test, binary);
  h5::setAttribute(file, "loss", summary.loss);
  h5::setAttribute(file, "classes", request.classes);
  h5::setAttribute(file, "class_names", classNamesText(request));
  h5::setAttribute(file, "sample_seed", static_cast<std::int64_t>(request.seed));
  h5::setAttribute(file, "train_images", s.trainImages);
  h5::setAttribute(file, "train_labels", s.trainLabels);
  if (hasTest) {
    h5::setAttribute(file, "test_images", s.testImages);
    h5::setAttribute(file, "test_labels", s.testLabels);
  }
  file.finish();
  return summary;
}

}  // namespace pk
