//! Parsing speed of a typical and a complex connection string.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mongo_auth_core::ConnectionString;

const TYPICAL: &str = "mongodb://app:s3cret@db.example.com:27017/shop?authSource=admin";

const COMPLEX: &str = "mongodb://mongodbuser%40EXAMPLE.COM:p%40ss@db1.example.com:27017,\
    db2.example.com:27018,[::1]:27019,%2Ftmp%2Fmongodb-27017.sock/shop\
    ?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:mongodb,CANONICALIZE_HOST_NAME:forward,\
    SERVICE_REALM:OTHER.REALM&replicaSet=rs0&tls=true&tlsCAFile=%2Fetc%2Fssl%2Fca.pem\
    &tlsCertificateKeyFile=client.pem&tlsCertificateKeyFilePassword=hunter2&readPreference=secondaryPreferred\
    &readPreferenceTags=dc:ny,rack:1&readPreferenceTags=&maxStalenessSeconds=120&w=majority&wTimeoutMS=2500\
    &journal=true&compressors=zstd,zlib&zlibCompressionLevel=6&connectTimeoutMS=2000\
    &serverSelectionTimeoutMS=5000&maxPoolSize=50&minPoolSize=5&appName=checkout-service&retryWrites=true";

fn parse(c: &mut Criterion) {
    assert!(ConnectionString::parse(TYPICAL).is_ok());
    assert!(ConnectionString::parse(COMPLEX).is_ok());
    c.bench_function("parse typical", |b| {
        b.iter(|| ConnectionString::parse(black_box(TYPICAL)))
    });
    c.bench_function("parse complex", |b| {
        b.iter(|| ConnectionString::parse(black_box(COMPLEX)))
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
