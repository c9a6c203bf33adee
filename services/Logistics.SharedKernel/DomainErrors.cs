namespace Logistics.SharedKernel;

/// <summary>
/// A rule of the business said no. The hosting layer maps each kind to its gRPC status
/// (and so, through JSON transcoding, to its HTTP status); the message is shown to the caller as is.
/// </summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>A field of the request is missing or malformed (INVALID_ARGUMENT). The message names the field.</summary>
public sealed class InvalidFieldException(string field, string problem) : DomainException($"{field}: {problem}")
{
    public string Field { get; } = field;
}

/// <summary>The thing asked for does not exist (NOT_FOUND).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>A wrong state or a broken rule, e.g. "request r-17 is Shipped; only Reserved requests can be cancelled" (FAILED_PRECONDITION).</summary>
public sealed class RuleViolationException(string message) : DomainException(message);

/// <summary>The thing to create exists already (ALREADY_EXISTS).</summary>
public sealed class AlreadyExistsException(string message) : DomainException(message);

/// <summary>The caller may not do this to this record (PERMISSION_DENIED), e.g. approving their own request.</summary>
public sealed class NotAllowedException(string message) : DomainException(message);
