//! profiles.toml: what is written reads back the same, a write replaces the file whole, and a
//! file a user broke by hand is reported where it is broken and never written over.

use std::fs;
use std::io::Read as _;

use tokenscope::profiles::{
    self, AuthMethod, EndpointUrl, FILE_NAME, Profile, ProfileError, ProfileName, ProfilesFile,
};
use tokenscope::secrets::{MemoryStore, SecretKind, SecretStore as _};
use tokenscope::sensitive::Sensitive;

fn name(n: &str) -> ProfileName {
    ProfileName::new(n).unwrap()
}

fn url(u: &str) -> EndpointUrl {
    EndpointUrl::new(u).unwrap()
}

/// A profile with every field set.
fn full_profile() -> Profile {
    let mut p = Profile::new(url("https://login.example.com/tenant-a/v2.0"), "app-123");
    p.auth_method = AuthMethod::ClientSecretPost;
    p.scopes = vec!["openid".into(), "api:read".into()];
    p.resources = vec!["urn:api:one".into(), "https://api.example.com".into()];
    p.audience = Some("api://default".into());
    p.redirect_uri = Some(url("http://127.0.0.1:8400/callback"));
    p.allow_http = true;
    p.timeout_seconds = Some(12);
    p.endpoints.token = Some(url("http://gateway.internal/token"));
    p.endpoints.authorization = Some(url("https://login.example.com/authorize"));
    p.endpoints.device = Some(url("https://login.example.com/device"));
    p.endpoints.introspection = Some(url("https://login.example.com/introspect"));
    p.endpoints.revocation = Some(url("https://login.example.com/revoke"));
    p.endpoints.userinfo = Some(url("https://login.example.com/me"));
    p.endpoints.jwks_uri = Some(url("https://login.example.com/keys"));
    p.extra_params
        .authorize
        .insert("prompt".into(), "consent".into());
    p.extra_params.token.insert("tenant".into(), "a".into());
    p.extra_params.refresh.insert("tenant".into(), "a b".into());
    p.pinned = vec!["t1".into()];
    p
}

#[test]
fn every_field_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join(FILE_NAME);
    let mut file = ProfilesFile::load(&path).expect("no file yet is no profiles");
    assert!(file.names().is_empty());
    file.insert(name("full"), full_profile());
    file.insert(
        name("eu.bare"),
        Profile::new(url("http://127.0.0.1:9000"), "public"),
    );
    file.save().expect("saved, creating the directory");

    let again = ProfilesFile::load(&path).unwrap();
    assert_eq!(again, file);
    assert_eq!(again.get(&name("full")), Some(&full_profile()));
    let text = fs::read_to_string(&path).unwrap();
    // Hand-editable: one table per profile, plain keys.
    assert!(text.contains("[profiles.full]"), "{text}");
    assert!(
        text.contains("auth_method = \"client_secret_post\""),
        "{text}"
    );
    assert!(
        text.contains("[profiles.full.extra_params.authorize]"),
        "{text}"
    );
}

#[test]
fn a_hand_written_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    fs::write(
        &path,
        "# mine\n[profiles.dev]\nissuer = \"https://as.example\"\nclient_id = \"c\"\n\
         auth_method = \"none\"\nscopes = [\"openid\"]\n\n[profiles.dev.endpoints]\n\
         token = \"https://as.example/oauth/token\"\n",
    )
    .unwrap();
    let file = ProfilesFile::load(&path).unwrap();
    let dev = file.get(&name("dev")).unwrap();
    assert_eq!(dev.auth_method, AuthMethod::None);
    assert_eq!(
        dev.endpoints.token.as_ref().map(EndpointUrl::as_str),
        Some("https://as.example/oauth/token")
    );
}

#[test]
fn a_save_replaces_the_file_whole_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let mut file = ProfilesFile::load(&path).unwrap();
    file.insert(name("one"), full_profile());
    file.save().unwrap();
    let before = fs::read(&path).unwrap();

    // A reader that opened the old file keeps reading the old file, whole: the new one was
    // renamed over it, not written into it.
    let mut reader = fs::File::open(&path).unwrap();
    file.insert(name("two"), Profile::new(url("https://b.example"), "b"));
    file.save().unwrap();
    let mut seen_by_reader = Vec::new();
    reader.read_to_end(&mut seen_by_reader).unwrap();
    assert_eq!(seen_by_reader, before);
    assert!(
        ProfilesFile::load(&path)
            .unwrap()
            .get(&name("two"))
            .is_some()
    );

    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![FILE_NAME.to_string()]);
}

#[test]
fn a_save_that_cannot_finish_says_so_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let mut file = ProfilesFile::load(&path).unwrap();
    file.insert(name("one"), full_profile());
    // The file's place is taken by a directory that is not empty: the rename must fail.
    fs::create_dir_all(path.join("occupied")).unwrap();
    let err = file.save().expect_err("the rename cannot succeed");
    assert!(matches!(err, ProfileError::Write { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec![FILE_NAME.to_string()],
        "no temporary file is left"
    );
    // Reading a directory is an error that names it, not a crash.
    let read = ProfilesFile::load(&path).expect_err("a directory is not a profiles file");
    assert!(matches!(read, ProfileError::Read { .. }), "{read}");
}

/// Each corrupt file, the line reported and words the message must hold.
const CORRUPT: &[(&str, usize, &str)] = &[
    (
        "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = \"c\"\nclient_id = \"d\"\n",
        4,
        "duplicate key",
    ),
    (
        "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = \"c\"\nauth_method = \"basic\"\n",
        4,
        "client_secret_basic",
    ),
    (
        "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = \"c\"\nclient_secret = \"hunter2\"\n",
        4,
        "secrets are never kept in this file",
    ),
    (
        "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = \"c\"\n\n[profiles.a.endpoints]\ntoken = \"not a url\"\n",
        6,
        "not a URL",
    ),
    (
        "[profiles.a]\nissuer = \"https://as.example\"\nclient_id = \"c\"\nscopes = [\"a\",\n",
        4,
        "unclosed array",
    ),
    (
        "[profiles.a]\nclient_id = \"c\"\n\n[profiles.b]\nissuer = \"http://as.example\"\nclient_id = \"c\"\n",
        1,
        "issuer",
    ),
    (
        "[profiles.b]\nissuer = \"http://as.example\"\nclient_id = \"c\"\n",
        2,
        "allow_http = true",
    ),
    (
        "[profiles.\"a b\"]\nissuer = \"https://as.example\"\nclient_id = \"c\"\n",
        1,
        "profile name",
    ),
];

#[test]
fn a_corrupt_file_is_reported_with_its_line_and_left_byte_for_byte() {
    for (text, line, words) in CORRUPT {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, text).unwrap();
        let err = profiles::load(&path).expect_err(text);
        let ProfileError::Invalid {
            path: said_path,
            line: said_line,
            message,
        } = &err
        else {
            panic!("not an Invalid error for {text:?}: {err}");
        };
        assert_eq!(said_path, &path);
        assert_eq!(said_line, line, "{text:?}: {err}");
        assert!(message.contains(words), "{text:?}: {err}");
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("{}:{line}: ", path.display())),
            "{shown}"
        );
        assert!(!shown.contains("hunter2"), "{shown}");

        assert_eq!(fs::read(&path).unwrap(), text.as_bytes());
    }
}

#[test]
fn no_secret_reaches_the_file_and_remove_and_rename_take_the_secrets_along() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let store = MemoryStore::new();
    let mut file = ProfilesFile::load(&path).unwrap();
    let secret = Sensitive::from("s3cr3t-client-value-0xBEEF");
    profiles::add(&mut file, name("a"), full_profile(), Some(&secret), &store).unwrap();
    let refresh = Sensitive::from("refresh-token-value-0xCAFE");
    store
        .set(&name("a"), &SecretKind::RefreshToken, &refresh)
        .unwrap();
    store
        .set(&name("a"), &SecretKind::PinnedToken("t1".into()), &refresh)
        .unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("s3cr3t") && !text.contains("0xCAFE"),
        "{text}"
    );

    let again = profiles::add(&mut file, name("a"), full_profile(), None, &store);
    assert_eq!(again, Err(ProfileError::Exists(name("a"))));

    profiles::rename(&mut file, &name("a"), name("b"), &store).unwrap();
    assert!(ProfilesFile::load(&path).unwrap().get(&name("a")).is_none());
    for kind in [
        SecretKind::ClientSecret,
        SecretKind::RefreshToken,
        SecretKind::PinnedToken("t1".into()),
    ] {
        assert_eq!(store.get(&name("a"), &kind).unwrap(), None, "{kind}");
        assert!(store.get(&name("b"), &kind).unwrap().is_some(), "{kind}");
    }
    assert_eq!(
        store.get(&name("b"), &SecretKind::ClientSecret).unwrap(),
        Some(secret)
    );

    profiles::remove(&mut file, &name("b"), &store).unwrap();
    assert!(ProfilesFile::load(&path).unwrap().names().is_empty());
    for kind in [SecretKind::ClientSecret, SecretKind::RefreshToken] {
        assert_eq!(store.get(&name("b"), &kind).unwrap(), None, "{kind}");
    }
    let missing = profiles::remove(&mut file, &name("b"), &store).unwrap_err();
    assert!(
        missing.to_string().contains("no profile named \"b\""),
        "{missing}"
    );
}

#[test]
fn a_secret_put_in_an_extra_parameter_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let mut file = ProfilesFile::load(&path).unwrap();
    let mut profile = full_profile();
    profile
        .extra_params
        .token
        .insert("client_secret".into(), "leaked-through-extra".into());
    let err = profiles::add(&mut file, name("a"), profile, None, &MemoryStore::new())
        .expect_err("a secret-named parameter");
    assert!(matches!(err, ProfileError::Encode(_)), "{err}");
    assert!(!err.to_string().contains("leaked-through-extra"), "{err}");
    assert!(!path.exists());
    assert!(file.get(&name("a")).is_none());
}

#[test]
fn export_and_import_carry_profiles_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryStore::new();
    let mut file = ProfilesFile::load(&dir.path().join(FILE_NAME)).unwrap();
    let secret = Sensitive::from("export-must-not-carry-this");
    profiles::add(&mut file, name("a"), full_profile(), Some(&secret), &store).unwrap();
    let exported = file.export(&[name("a")]).unwrap();
    assert!(!exported.contains("export-must-not-carry-this"));

    let mut other = ProfilesFile::load(&dir.path().join("other.toml")).unwrap();
    let names = other
        .import(&exported, std::path::Path::new("shared.toml"), false)
        .unwrap();
    assert_eq!(names, vec![name("a")]);
    assert_eq!(other.get(&name("a")), Some(&full_profile()));
    let twice = other.import(&exported, std::path::Path::new("shared.toml"), false);
    assert_eq!(twice, Err(ProfileError::Exists(name("a"))));
}
