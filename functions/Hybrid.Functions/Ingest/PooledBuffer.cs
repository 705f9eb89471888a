using System.Buffers;

namespace Hybrid.Functions.Ingest;

/// <summary>A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>; returned on dispose.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array;

    public PooledBuffer(int initialCapacity) => _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>Free space to read into, at least <paramref name="sizeHint"/> bytes, growing the buffer if needed.</summary>
    public Memory<byte> GetFreeMemory(int sizeHint)
    {
        if (_array.Length - Length < sizeHint)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, Length + sizeHint));
            _array.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }

        return _array.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>A read-only stream over the content (no copy); valid until this buffer is disposed.</summary>
    public MemoryStream AsStream() => new(_array, 0, Length, writable: false);

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, []);
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
